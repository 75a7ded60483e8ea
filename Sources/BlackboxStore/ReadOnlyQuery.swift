import Dispatch
import Foundation
import GRDB
import GRDBSQLite

/// One value of a query's result, as SQLite stores it.
public enum QueryValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

/// The columns and rows a query returned.
public struct QueryResult: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[QueryValue]]
}

/// What can go wrong running a user's SQL.
public enum QueryError: Error, Sendable, LocalizedError, Equatable {
    /// SQLite refused the statement or failed running it: the reason as SQLite gives it.
    case failed(String)
    /// The query ran past its time limit and was stopped.
    case timedOut(seconds: Double)

    public var errorDescription: String? {
        switch self {
        case .failed(let reason): "the query failed: \(reason)"
        case .timedOut(let seconds): "the query was stopped after \(Self.format(seconds))s (--timeout); narrow it (a time range, a LIMIT) or allow it longer"
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

/// A read-only connection for SQL written by a user (`blackbox query`) over the store's tables and documented
/// views (`docs/sql.md`).
///
/// The file is opened with `SQLITE_OPEN_READONLY`, so no statement can change it (`INSERT`, `DROP`,
/// `PRAGMA query_only = 0` all fail with "attempt to write a readonly database"); `ATTACH` is disabled
/// (`SQLITE_LIMIT_ATTACHED` = 0), so no other file can be read, created or written, `VACUUM INTO` included.
/// Every statement passes ``QueryAuthorizer`` as it is compiled: reads only (no `CREATE TEMP`, no pragma that sets a
/// value, no `fts3_tokenizer()` or `load_extension()`), with SQLite's defensive mode on.
/// Temporary storage (sorts, `GROUP BY`) is kept in memory, never in a file, and SQLite's memory is
/// capped at ``workingMemoryBytes``; rows are handed over as they are read (``run(_:timeout:columns:row:)``).
public final class ReadOnlyQuery: Sendable {
    let pool: DatabasePool

    /// Opens the store at `path` for queries.
    ///
    /// - Throws: ``StoreError/missing(path:)`` when there is no file; ``StoreError/cannotOpen(path:reason:)`` when it
    ///   cannot be opened or is not a blackbox store with the views (run `blackbox record` once to migrate an older one).
    public init(path: String) throws {
        // Checks the file the way every read command does (exists, is a store, is migrated).
        _ = try EventStore(path: path, readOnly: true)
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_ATTACHED, 0)
            // No write at all, temporary tables included (`CREATE TEMP TABLE` would otherwise be allowed).
            try db.execute(sql: "PRAGMA query_only = ON")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            try db.execute(sql: "PRAGMA cache_size = -16384")
            QueryAuthorizer.install(on: db.sqliteConnection)
        }
        do {
            pool = try EventStore.openPool(path: path, configuration: configuration)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: EventStore.reason(error, path: path))
        }
    }

    /// Bounds SQLite's heap in this whole process to ``workingMemoryBytes``, so that a sort or grouping needing more
    /// fails with ``QueryError`` instead of growing without bound. Process-wide (`sqlite3_hard_heap_limit64`): the
    /// `query` command calls it before it runs; a process that also records or imports must not.
    public static func limitWorkingMemory() {
        sqlite3_hard_heap_limit64(workingMemoryBytes)
    }

    /// Runs one SQL statement and returns every row (for small results: ``run(_:timeout:columns:row:)`` streams).
    ///
    /// - Throws: as ``run(_:timeout:columns:row:)``.
    public func run(_ sql: String, timeout: Double) throws -> QueryResult {
        var result = QueryResult(columns: [], rows: [])
        try run(sql, timeout: timeout, columns: { result.columns = $0 }, row: { result.rows.append($0) })
        return result
    }

    /// Runs one SQL statement and hands over its rows one at a time, as SQLite produces them: memory stays bounded by
    /// one row, whatever the result's size. Sorting and grouping happen in memory, never in a temporary file, within
    /// ``workingMemoryBytes``.
    ///
    /// - Parameters:
    ///   - timeout: seconds after which the statement is interrupted.
    ///   - columns: called once, before the first row, with the result's column names.
    ///   - row: called with each row; an error it throws stops the query and is rethrown as it is.
    /// - Throws: ``QueryError/timedOut(seconds:)`` when it runs longer; ``QueryError/failed(_:)`` with SQLite's
    ///   message otherwise (syntax, unknown column, more working memory than the bound), with what it means for a
    ///   write, an ATTACH or more than one statement.
    public func run(_ sql: String, timeout: Double, columns: ([String]) throws -> Void, row: ([QueryValue]) throws -> Void) throws {
        let deadline = DispatchWorkItem { [pool] in pool.interrupt() }
        DispatchQueue.global().asyncAfter(deadline: .now() + min(timeout, 3e9), execute: deadline)
        defer { deadline.cancel() }
        nonisolated(unsafe) var connection: OpaquePointer?
        do {
            try pool.read { db in
                connection = db.sqliteConnection
                let statement = try db.makeStatement(sql: sql)
                try columns(statement.columnNames)
                let cursor = try Row.fetchCursor(statement)
                while let next = try cursor.next() {
                    do {
                        try row(next.databaseValues.map(Self.value))
                    } catch {
                        throw Handed(error: error)
                    }
                }
            }
        } catch let handed as Handed {
            throw handed.error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            throw QueryError.timedOut(seconds: timeout)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOMEM || error.resultCode == .SQLITE_FULL {
            throw QueryError.failed(
                "the query needs more than \(Self.workingMemoryBytes >> 20)MiB of working memory (a large ORDER BY, GROUP BY, "
                    + "DISTINCT or subquery); narrow it (a time range, a LIMIT, fewer columns)")
        } catch {
            throw QueryError.failed(Self.reason(error, refused: QueryAuthorizer.takeRefusal(on: connection)))
        }
    }

    /// The most memory SQLite may use for a query, bytes (256 MiB): its page cache and its temporary storage, which is
    /// kept in memory (`temp_store = MEMORY`) so that no query writes a temporary file.
    public static let workingMemoryBytes: Int64 = 256 << 20

    /// An error thrown by the caller's row handler, passed through the database's error handling untouched.
    private struct Handed: Error {
        var error: Error
    }

    /// SQLite's (or GRDB's) reason, with what it means here where its words do not say it.
    /// - Parameter refused: what the authorizer refused on the query's connection, if it did.
    private static func reason(_ error: Error, refused: String?) -> String {
        let reason = EventStore.reason(error)
        if reason.hasPrefix("Multiple statements found") { return "more than one statement: run one statement at a time" }
        if reason.contains("attempt to write a readonly database") { return "\(reason): `blackbox query` only reads" }
        if reason.contains("too many attached databases") { return "\(reason): ATTACH is disabled in `blackbox query`" }
        if reason.contains("not authorized") {
            return "\(reason): \(refused ?? "a statement that is not a read") is refused: `blackbox query` only reads"
        }
        return reason
    }

    private static func value(_ value: DatabaseValue) -> QueryValue {
        switch value.storage {
        case .null: .null
        case .int64(let number): .integer(number)
        case .double(let number): .real(number)
        case .string(let text): .text(text)
        case .blob(let data): .blob(data)
        }
    }
}
