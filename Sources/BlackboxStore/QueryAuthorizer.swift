import Foundation
import GRDBSQLite

/// What `blackbox query` lets a statement do, decided while SQLite compiles it (its authorizer,
/// `sqlite3_set_authorizer`): read tables and views, call functions, run `WITH RECURSIVE`, and the read-only
/// pragmas that describe the schema. Everything else — writes, `CREATE TEMP …`, `ATTACH`, `PRAGMA writable_schema`
/// or any pragma that sets a value, `fts3_tokenizer()`, `load_extension()` — is refused with "not authorized".
public enum QueryAuthorizer {
    /// The pragmas a query may read (none may be set): the schema's description and SQLite's own facts.
    public static let readablePragmas: Set<String> = [
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list", "collation_list",
        "function_list", "pragma_list", "module_list", "compile_options", "user_version", "schema_version", "data_version",
        "page_size", "page_count", "freelist_count", "encoding", "journal_mode", "query_only",
    ]
    /// The pragmas that take a table or index name as their argument (`PRAGMA table_info(events)`).
    static let namedPragmas: Set<String> = ["table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list"]
    /// Functions a query may not call: a pointer to a tokenizer (and a way to install one), and loading code.
    public static let refusedFunctions: Set<String> = ["fts3_tokenizer", "load_extension"]

    /// Whether SQLite may compile `action` (an `SQLITE_*` authorizer code) with its first two arguments
    /// (a pragma's name and argument, a function's name in the second).
    public static func allows(action: Int32, first: String?, second: String?) -> Bool {
        switch action {
        case SQLITE_SELECT, SQLITE_READ, SQLITE_RECURSIVE:
            return true
        case SQLITE_TRANSACTION, SQLITE_SAVEPOINT:
            // The read transaction GRDB opens around a query; on a read-only connection it can change nothing.
            return true
        case SQLITE_FUNCTION:
            return !refusedFunctions.contains((second ?? "").lowercased())
        case SQLITE_PRAGMA:
            let name = (first ?? "").lowercased()
            guard readablePragmas.contains(name) else { return false }
            return second == nil || namedPragmas.contains(name)
        default:
            return false
        }
    }

    /// Installs the authorizer on a connection, after closing the connection-level doors SQLite has outside it:
    /// `SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER` and `SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION` off, `SQLITE_DBCONFIG_DEFENSIVE`
    /// on (no `writable_schema`, no direct writes to shadow tables).
    static func install(on connection: OpaquePointer?) {
        if let configure = dbConfig {
            var ignored: Int32 = 0
            _ = configure(connection, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, &ignored)
            _ = configure(connection, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, &ignored)
            _ = configure(connection, SQLITE_DBCONFIG_DEFENSIVE, 1, &ignored)
        }
        // The connection itself is the callback's user data: each connection's refusal is its own, so queries on
        // other connections (other threads, other stores) never read it.
        sqlite3_set_authorizer(connection, { connection, action, first, second, _, _ in
            let (first, second) = (first.map { String(cString: $0) }, second.map { String(cString: $0) })
            if QueryAuthorizer.allows(action: action, first: first, second: second) { return SQLITE_OK }
            let description = QueryAuthorizer.describe(action: action, first: first, second: second)
            QueryAuthorizer.lock.withLock { QueryAuthorizer.refused[connection.map { Int(bitPattern: $0) } ?? 0] = description }
            return SQLITE_DENY
        }, UnsafeMutableRawPointer(connection))
    }

    /// What a refused action is, in words: "a write (DELETE on events)", "PRAGMA writable_schema", "fts3_tokenizer()".
    public static func describe(action: Int32, first: String?, second: String?) -> String {
        switch action {
        case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE:
            let verb = action == SQLITE_INSERT ? "INSERT" : action == SQLITE_UPDATE ? "UPDATE" : "DELETE"
            return "a write (\(verb) on \(first ?? "a table"))"
        case SQLITE_CREATE_TEMP_TABLE, SQLITE_CREATE_TEMP_VIEW, SQLITE_CREATE_TEMP_INDEX, SQLITE_CREATE_TEMP_TRIGGER:
            return "CREATE TEMP"
        case SQLITE_ATTACH, SQLITE_DETACH:
            return "ATTACH (only the store is read)"
        case SQLITE_PRAGMA:
            return "PRAGMA \((first ?? "").lowercased())\(second.map { " = \($0)" } ?? "") (pragmas may only be read, and only the schema's)"
        case SQLITE_FUNCTION:
            return "\((second ?? "").lowercased())()"
        default:
            return "a statement that is not a read"
        }
    }

    /// The latest refusal's description on `connection` (read by ``ReadOnlyQuery`` for its error), forgotten once read.
    static func takeRefusal(on connection: OpaquePointer?) -> String? {
        lock.withLock { refused.removeValue(forKey: connection.map { Int(bitPattern: UnsafeMutableRawPointer($0)) } ?? 0) }
    }

    private static let lock = NSLock()
    /// Refusals by connection (its address).
    nonisolated(unsafe) private static var refused: [Int: String] = [:]

    /// `sqlite3_db_config(db, op, int, int*)`: C-variadic, which Swift cannot call, so it is taken from the loaded
    /// library and called with that fixed signature (the integer arguments travel alike on Linux's x86-64 and arm64).
    private typealias DBConfig = @convention(c) (OpaquePointer?, Int32, Int32, UnsafeMutablePointer<Int32>?) -> Int32
    private static let dbConfig: DBConfig? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "sqlite3_db_config") else { return nil }
        return unsafeBitCast(symbol, to: DBConfig.self)
    }()
}
