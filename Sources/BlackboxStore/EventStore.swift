import Foundation
import GRDB

/// The blackbox store: one SQLite file in WAL mode holding the event log, samples and projections.
///
/// Thread-safe: any task may append or read. Writers in other processes wait up to the busy timeout;
/// readers see committed data and never block the writer.
public final class EventStore: Sendable {
    /// The file's path.
    public let path: String
    /// How incidents are grouped and resolved when events are folded.
    public let incidentPolicy: IncidentPolicy
    let pool: DatabasePool

    /// How much memory the store's SQLite connections may hold.
    public enum Memory: Sendable {
        /// SQLite's default page cache (2 MiB) per connection and up to five concurrent readers: for commands that
        /// read much and exit.
        case standard
        /// A 512 KiB page cache per connection and at most two readers: for `record`, which runs for months, appends
        /// at the end of its indexes and reads little; its memory then stays flat.
        case small
    }

    /// The embedded migrations (`migrations/NNNN_description.sql`), in order.
    public static var migrationNames: [String] { EmbeddedMigrations.files.map { String($0.name.dropLast(".sql".count)) } }

    /// Opens the store at `path`, creating the file and its directory when `create` is true, and applies pending migrations.
    ///
    /// - Parameters:
    ///   - readOnly: open for reading only (the file must exist and be migrated).
    ///   - createDirectory: create the file's missing parent directories (for the default location); otherwise a
    ///     missing directory is an error.
    /// - Throws: ``StoreError/notWritable(path:reason:)`` when the directory or file cannot be written;
    ///   ``StoreError/missing(path:)`` when `readOnly` and there is no file; ``StoreError/cannotOpen(path:reason:)`` otherwise.
    public init(
        path: String, readOnly: Bool = false, createDirectory: Bool = false, incidentPolicy: IncidentPolicy = IncidentPolicy(),
        memory: Memory = .standard
    ) throws {
        self.path = path
        self.incidentPolicy = incidentPolicy
        let fileManager = FileManager.default
        if readOnly {
            guard fileManager.fileExists(atPath: path) else { throw StoreError.missing(path: path) }
        } else {
            let directory = (path as NSString).deletingLastPathComponent
            do {
                if createDirectory, !directory.isEmpty { try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            } catch {
                throw StoreError.notWritable(path: path, reason: Self.reason(error))
            }
            if !directory.isEmpty, !fileManager.fileExists(atPath: directory) {
                throw StoreError.notWritable(path: path, reason: "the directory \(directory) does not exist")
            }
            if fileManager.fileExists(atPath: path) ? !fileManager.isWritableFile(atPath: path) : !fileManager.isWritableFile(atPath: directory.isEmpty ? "." : directory) {
                let facts = StoreFileFacts.read(path)
                throw StoreError.notWritable(path: path, reason: "permission denied: " + (facts.cause(of: .SQLITE_READONLY, directory: directory.isEmpty ? "." : directory) ?? "uid \(facts.uid) may not write it"))
            }
            // A file that is not a store is refused before anything (the WAL journal mode, a migration) changes it.
            if fileManager.fileExists(atPath: path) { try Self.refuseForeign(path) }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.readonly = readOnly
        configuration.foreignKeysEnabled = true
        if memory == .small { configuration.maximumReaderCount = 2 }
        configuration.prepareDatabase { db in
            if memory == .small { try db.execute(sql: "PRAGMA cache_size = -512") }
            // Debian's libsqlite3 defaults WAL databases to synchronous=FULL; NORMAL is durable across
            // application crashes and only loses the last transactions on power loss.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        }
        do {
            pool = try Self.openPool(path: path, configuration: configuration)
            let foreign = try read { db in
                try Self.isForeign(db)
            }
            if foreign {
                throw StoreError.foreign(path: path)
            }
            if readOnly {
                let applied = try read { db in try Self.migrator.appliedIdentifiers(db) }
                guard Set(applied).isSuperset(of: Self.migrationNames) else {
                    throw StoreError.cannotOpen(path: path, reason: "its schema is older than this blackbox; run `blackbox record` once to migrate it")
                }
            } else {
                try Self.migrator.migrate(pool)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.cannotOpen(path: path, reason: Self.reason(error, path: path))
        }
    }

    /// The pool on `path`. A reader that may not write the store's directory cannot create the `-shm` file SQLite's
    /// WAL mode needs (SQLite: "attempt to write a readonly database"); when no `-wal` file exists either, no writer
    /// has the store open, so it is opened as immutable (`file:…?immutable=1`): the data as of now, without the files.
    static func openPool(path: String, configuration: Configuration) throws -> DatabasePool {
        do {
            return try DatabasePool(path: path, configuration: configuration)
        } catch let error as DatabaseError where configuration.readonly && [.SQLITE_READONLY, .SQLITE_CANTOPEN].contains(error.resultCode) {
            guard !FileManager.default.fileExists(atPath: path + "-wal") else { throw error }
            return try DatabasePool(path: immutableURI(path), configuration: configuration)
        }
    }

    /// `file:/var/lib/blackbox/store.sqlite?immutable=1`, with the characters a URI path cannot hold escaped.
    static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }

    /// Throws ``StoreError/cannotOpen(path:reason:)`` when the file at `path` is an SQLite file with tables but not a
    /// store; opens it read-only to tell.
    private static func refuseForeign(_ path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        let foreign: Bool
        do {
            foreign = try DatabaseQueue(path: path, configuration: configuration).read { db in
                try isForeign(db)
            }
        } catch {
            throw StoreError.cannotOpen(path: path, reason: reason(error, path: path))
        }
        if foreign {
            throw StoreError.foreign(path: path)
        }
    }

    /// Whether the open file is an SQLite file with tables but no blackbox migrations: somebody else's database.
    private static func isForeign(_ db: Database) throws -> Bool {
        try !db.tableExists("grdb_migrations") && Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0 > 0
    }

    /// Every migration of `migrations/`, registered under its file name without `.sql`.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for file in EmbeddedMigrations.files {
            migrator.registerMigration(String(file.name.dropLast(".sql".count))) { db in
                try db.execute(sql: file.contents)
            }
        }
        return migrator
    }

    /// The migrations applied to this file, in order.
    func appliedMigrations() throws -> [String] {
        try read { db in try Self.migrator.appliedIdentifiers(db) }.sorted()
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func integrityCheck() throws -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }

    /// Runs `body` on a read connection of the store: every read of the store goes through here.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when SQLite fails, with the path and the cause; an error
    ///   `body` throws itself, as it is.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as DatabaseError {
            throw StoreError.cannotRead(path: path, reason: Self.reason(error, path: path))
        }
    }

    /// What went wrong, as a phrase: SQLite's message, and when its code is one the file system can explain (a disk
    /// I/O error, a full disk, a read-only file, a file that cannot be opened) the cause read from `path`'s facts.
    static func reason(_ error: any Error, path: String? = nil) -> String {
        if let error = error as? DatabaseError {
            let message = error.message ?? error.description
            guard let path else { return message }
            let directory = (path as NSString).deletingLastPathComponent
            guard let cause = StoreFileFacts.read(path).cause(of: error.resultCode, directory: directory.isEmpty ? "." : directory) else { return message }
            return "\(message): \(cause)"
        }
        if let error = error as? CocoaError, let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError {
            return underlying.localizedDescription
        }
        return error.localizedDescription
    }
}
