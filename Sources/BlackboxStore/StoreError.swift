import Foundation

/// What can go wrong with the store file. Each case names the path.
public enum StoreError: Error, Sendable, LocalizedError {
    /// The directory or file cannot be created or written.
    case notWritable(path: String, reason: String)
    /// The file exists but cannot be opened or migrated (not a blackbox store, corrupt, newer schema).
    case cannotOpen(path: String, reason: String)
    /// There is no store at the path (read commands do not create one).
    case missing(path: String)
    /// Another `blackbox record` is recording into this store.
    case locked(path: String)
    /// A read of the open store failed (a damaged page, an I/O error, a file removed underneath), with SQLite's words
    /// and the cause when it is knowable.
    case cannotRead(path: String, reason: String)

    /// ``cannotOpen(path:reason:)`` for an SQLite file that is not a blackbox store.
    static func foreign(path: String) -> StoreError {
        .cannotOpen(path: path, reason: "it is an SQLite file but not a blackbox store; point --db at a new or a blackbox file")
    }

    public var errorDescription: String? {
        switch self {
        case .notWritable(let path, let reason):
            "cannot write the store at \(path): \(reason.trimmingCharacters(in: CharacterSet(charactersIn: ". "))). Choose another path with --db or BLACKBOX_DB."
        case .cannotOpen(let path, let reason):
            "cannot open the store at \(path): \(reason)"
        case .locked(let path):
            "another `blackbox record` is already recording into \(path); stop it first, or record into another file with --db"
        case .cannotRead(let path, let reason):
            "cannot read the store at \(path): \(reason) (`blackbox query 'PRAGMA integrity_check'` checks the file)"
        case .missing(let path):
            "no store at \(path): run `blackbox record` first, or point --db / BLACKBOX_DB at an existing store"
        }
    }
}
