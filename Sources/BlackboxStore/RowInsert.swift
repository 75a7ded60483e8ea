import GRDB
import GRDBSQLite

/// Runs a prepared INSERT once per row with each value bound by its type straight to SQLite.
///
/// GRDB's `execute(arguments:)` builds an array of existential values for every row and binds it through generic
/// recursion (a fifth of a samples import's CPU, a twentieth of an events import's); the import and the recorder's
/// appends insert millions of rows, so they bind here instead. The statement is stepped here too, without GRDB's
/// per-statement observation hooks: the store registers no transaction observers, and an INSERT inside a write
/// transaction changes neither the schema nor the transaction state that those hooks track.
struct RowInsert {
    private let statement: Statement
    private let handle: SQLiteStatement
    private let connection: SQLiteConnection?
    private var column: CInt = 0

    /// Resets `statement` (an INSERT prepared on `db`) for a new row: bind its values in column order, then ``run()``.
    init(_ statement: Statement, _ db: Database) {
        self.statement = statement
        handle = statement.sqliteStatement
        connection = db.sqliteConnection
        sqlite3_reset(handle)
    }

    mutating func bind(_ value: Int64?) {
        column += 1
        if let value { sqlite3_bind_int64(handle, column, value) } else { sqlite3_bind_null(handle, column) }
    }

    mutating func bind(_ value: Int?) {
        bind(value.map { Int64($0) })
    }

    mutating func bind(_ value: Double?) {
        column += 1
        if let value { sqlite3_bind_double(handle, column, value) } else { sqlite3_bind_null(handle, column) }
    }

    /// Binds text as UTF-8 of the string's length (a copy that SQLite owns: the string may be freed before the step).
    mutating func bind(_ value: String?) {
        column += 1
        guard var text = value else {
            sqlite3_bind_null(handle, column)
            return
        }
        let (handle, column) = (handle, column)
        text.withUTF8 { bytes in
            // An empty buffer may have no address, which SQLite would take for NULL.
            guard let base = bytes.baseAddress else {
                sqlite3_bind_text(handle, column, "", 0, sqliteTransient)
                return
            }
            sqlite3_bind_text(handle, column, base, CInt(bytes.count), sqliteTransient)
        }
    }

    /// Executes the row.
    ///
    /// - Returns: whether a row was written (false when `ON CONFLICT … DO NOTHING` skipped it).
    /// - Throws: a `DatabaseError` with SQLite's extended result code and message (a constraint failure, a full disk);
    ///   the statement is reset and can run the next row.
    @discardableResult
    func run() throws -> Bool {
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) }
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
        return sqlite3_changes(connection) > 0
    }
}

/// SQLite's `SQLITE_TRANSIENT`: SQLite copies the bound bytes before the call returns.
private let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
