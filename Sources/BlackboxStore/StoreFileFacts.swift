import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What the file system says about a store's file when SQLite fails on it with a bare "disk I/O error", "database or
/// disk is full", "attempt to write a readonly database" or "unable to open database file": the cause those codes
/// leave out (a full or read-only filesystem, a file or directory this user may not write).
struct StoreFileFacts: Equatable, Sendable {
    /// Free bytes for this user on the filesystem holding the file (`statvfs` `f_bavail × f_frsize`); nil when unknown.
    var availableBytes: Int64?
    /// The filesystem is mounted read-only (`ST_RDONLY`).
    var readOnlyFilesystem = false
    /// This user may write the file (`access(W_OK)`); nil when there is no file.
    var fileWritable: Bool?
    /// This user may create files in the file's directory (SQLite's `-wal` and `-shm` files live there).
    var directoryWritable = true
    /// The file's owner and permission bits; nil when there is no file.
    var owner: UInt32?
    var mode: UInt16?
    /// This process's effective user.
    var uid: UInt32

    /// Below this many free bytes a failed write is put down to the full filesystem.
    static let nearlyFullBytes: Int64 = 1 << 20

    /// The cause of a failure with `code` (SQLite's primary result code) that these facts explain, as a phrase; nil
    /// when they explain nothing (a hardware error, a file changed under SQLite's feet).
    func cause(of code: ResultCode, directory: String) -> String? {
        let primary = code.primaryResultCode
        guard [.SQLITE_IOERR, .SQLITE_FULL, .SQLITE_READONLY, .SQLITE_CANTOPEN].contains(primary) else { return nil }
        if readOnlyFilesystem { return "the filesystem holding it is mounted read-only" }
        if let availableBytes, primary == .SQLITE_FULL || availableBytes < Self.nearlyFullBytes {
            return "the filesystem holding it is full (\(availableBytes) bytes free); free space there or choose another path with --db"
        }
        if fileWritable == false {
            let ownership = owner.map { owner in " (owner uid \(owner)" + (mode.map { String(format: ", mode %04o", $0) } ?? "") + ")" } ?? ""
            return "uid \(uid) may not write it\(ownership): run as root or as its owner"
        }
        if !directoryWritable {
            return "uid \(uid) may not create files in \(directory), where SQLite keeps the store's -wal and -shm files: run as root or as its owner"
        }
        return nil
    }

    /// The facts of `path` now; absent parts stay nil.
    static func read(_ path: String) -> StoreFileFacts {
        let directory = (path as NSString).deletingLastPathComponent
        let existing = FileManager.default.fileExists(atPath: path) ? path : (directory.isEmpty ? "." : directory)
        var facts = StoreFileFacts(uid: geteuid())
        var filesystem = statvfs()
        if statvfs(existing, &filesystem) == 0 {
            facts.availableBytes = Int64(clamping: UInt64(filesystem.f_bavail).multipliedReportingOverflow(by: UInt64(filesystem.f_frsize)).partialValue)
            facts.readOnlyFilesystem = filesystem.f_flag & UInt(ST_RDONLY) != 0
        }
        var status = stat()
        if stat(path, &status) == 0 {
            facts.fileWritable = access(path, W_OK) == 0
            facts.owner = status.st_uid
            facts.mode = UInt16(status.st_mode & 0o7777)
        }
        facts.directoryWritable = access(directory.isEmpty ? "." : directory, W_OK) == 0
        return facts
    }
}
