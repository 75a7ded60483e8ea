import BlackboxStore
import Foundation
import GRDBSQLite
import Testing

/// `blackbox query` reads only (issue 13, item 7): the authorizer refuses what the reproductions did — a pointer from
/// `fts3_tokenizer()`, `CREATE TEMP …`, `PRAGMA writable_schema` — and lets reads, views, recursion and the schema
/// pragmas through.
@Suite struct HardeningQueryTests {
    private func refusal(_ sql: String) throws -> String? {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try EventStore(path: directory.storePath)
        let query = try ReadOnlyQuery(path: directory.storePath)
        do {
            _ = try query.run(sql, timeout: 10)
            return nil
        } catch {
            return error.localizedDescription
        }
    }

    @Test(arguments: [
        "SELECT fts3_tokenizer('simple')", "SELECT hex(fts3_tokenizer('simple'))", "SELECT load_extension('/tmp/x.so')",
        "CREATE TEMP TABLE t(x)", "CREATE TEMP VIEW v AS SELECT 1", "CREATE TEMP TRIGGER t AFTER INSERT ON events BEGIN SELECT 1; END",
        "PRAGMA writable_schema = ON", "PRAGMA writable_schema", "PRAGMA journal_mode = DELETE", "PRAGMA query_only = OFF",
        "PRAGMA temp_store_directory = '/tmp'", "INSERT INTO events(ts_ns, kind, payload) VALUES (1, 'engine', '{}')",
        "ATTACH DATABASE '/tmp/other.sqlite' AS other", "DELETE FROM events", "ANALYZE", "REINDEX",
    ])
    func aStatementThatIsNotAReadIsRefused(sql: String) throws {
        let reason = try #require(try refusal(sql), "\(sql) ran")
        #expect(reason.contains("not authorized") || reason.contains("readonly") || reason.contains("ATTACH"), "\(sql): \(reason)")
    }

    @Test(arguments: [
        "SELECT count(*) FROM events", "SELECT * FROM v_events LIMIT 1", "PRAGMA table_info(events)",
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 10) SELECT sum(x) FROM n", "SELECT json_extract('{\"a\":1}', '$.a')",
        "PRAGMA user_version", "SELECT sqlite_version()",
    ])
    func aReadRuns(sql: String) throws {
        let reason = try refusal(sql)
        #expect(reason == nil, "\(sql): \(reason ?? "")")
    }

    @Test func theDecisionIsReadsOnly() {
        #expect(QueryAuthorizer.allows(action: SQLITE_READ, first: "events", second: "payload"))
        #expect(QueryAuthorizer.allows(action: SQLITE_FUNCTION, first: nil, second: "json_extract"))
        #expect(!QueryAuthorizer.allows(action: SQLITE_FUNCTION, first: nil, second: "FTS3_TOKENIZER"))
        #expect(QueryAuthorizer.allows(action: SQLITE_PRAGMA, first: "table_info", second: "events"))
        #expect(!QueryAuthorizer.allows(action: SQLITE_PRAGMA, first: "user_version", second: "7"))
        #expect(!QueryAuthorizer.allows(action: SQLITE_PRAGMA, first: "writable_schema", second: nil))
        #expect(!QueryAuthorizer.allows(action: SQLITE_CREATE_TEMP_TABLE, first: "t", second: nil))
        #expect(!QueryAuthorizer.allows(action: SQLITE_INSERT, first: "events", second: nil))
    }
}
