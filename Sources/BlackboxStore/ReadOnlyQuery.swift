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
        case .timedOut(let seconds): "the query was stopped after \(Self.format(seconds)) s (--timeout); narrow it (a time range, a LIMIT) or allow it longer"
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
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: EventStore.reason(error))
        }
    }

    /// Runs one SQL statement and returns every row.
    ///
    /// - Parameter timeout: seconds after which the statement is interrupted.
    /// - Throws: ``QueryError/timedOut(seconds:)`` when it runs longer; ``QueryError/failed(_:)`` with SQLite's
    ///   message otherwise (syntax, unknown column), with what it means for a write, an ATTACH or more than one statement.
    public func run(_ sql: String, timeout: Double) throws -> QueryResult {
        let deadline = DispatchWorkItem { [pool] in pool.interrupt() }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: deadline)
        defer { deadline.cancel() }
        do {
            return try pool.read { db in
                let statement = try db.makeStatement(sql: sql)
                let cursor = try Row.fetchCursor(statement)
                var rows: [[QueryValue]] = []
                while let row = try cursor.next() {
                    rows.append(row.databaseValues.map(Self.value))
                }
                return QueryResult(columns: statement.columnNames, rows: rows)
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            throw QueryError.timedOut(seconds: timeout)
        } catch {
            throw QueryError.failed(Self.reason(error))
        }
    }

    /// SQLite's (or GRDB's) reason, with what it means here where its words do not say it.
    private static func reason(_ error: Error) -> String {
        let reason = EventStore.reason(error)
        if reason.hasPrefix("Multiple statements found") { return "more than one statement: run one statement at a time" }
        if reason.contains("attempt to write a readonly database") { return "\(reason): `blackbox query` only reads" }
        if reason.contains("too many attached databases") { return "\(reason): ATTACH is disabled in `blackbox query`" }
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
