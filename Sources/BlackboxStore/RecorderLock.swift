import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock that one `blackbox record` holds on a store for as long as it runs, so that a second
/// recorder refuses to start instead of interleaving, and read commands can tell whether anyone is recording.
///
/// It is an advisory `flock(2)` on the file `STORE.lock` beside the store; the kernel releases it when the
/// process ends, however it ends.
public final class RecorderLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    static func lockPath(_ storePath: String) -> String { storePath + ".lock" }

    /// Takes the lock.
    ///
    /// - Throws: ``StoreError/locked(path:)`` when another recorder holds it; ``StoreError/notWritable(path:reason:)``
    ///   when the lock file cannot be created.
    public static func acquire(storePath: String) throws -> RecorderLock {
        let path = lockPath(storePath)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StoreError.notWritable(path: path, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw StoreError.locked(path: storePath)
        }
        return RecorderLock(descriptor: descriptor)
    }

    /// Whether a recorder holds the lock now; nil when that cannot be told (no lock file, or it cannot be opened).
    public static func isHeld(storePath: String) -> Bool? {
        let descriptor = open(lockPath(storePath), O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return FileManager.default.fileExists(atPath: storePath) ? false : nil }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK ? true : nil
    }
}
