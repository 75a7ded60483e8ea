import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An exclusive lock that one `blackbox record` holds on a store for as long as it runs, so that a second
/// recorder refuses to start instead of interleaving, and read commands can tell whether anyone is recording.
///
/// It is an advisory `flock(2)` on the store file itself, so it is keyed by the file's identity (its device and
/// inode): a symlink to the store, a hard link or another spelling of its path takes the same lock. SQLite's own
/// locks are POSIX record locks (`fcntl`), which Linux keeps apart from `flock`'s. The kernel releases it when the
/// process ends, however it ends.
public final class RecorderLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Takes the lock on the store at `storePath` (which exists: the recorder opens the store first).
    ///
    /// - Throws: ``StoreError/locked(path:)`` when another recorder holds it (through any path to the same file);
    ///   ``StoreError/notWritable(path:reason:)`` when the store cannot be opened.
    public static func acquire(storePath: String) throws -> RecorderLock {
        let descriptor = open(storePath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StoreError.notWritable(path: storePath, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw StoreError.locked(path: storePath)
        }
        return RecorderLock(descriptor: descriptor)
    }

    /// Whether a recorder holds the lock now; nil when that cannot be told (no store, or it cannot be opened).
    public static func isHeld(storePath: String) -> Bool? {
        let descriptor = open(storePath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK ? true : nil
    }
}
