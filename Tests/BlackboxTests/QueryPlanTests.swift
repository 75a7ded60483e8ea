@testable import BlackboxStore
import GRDB
import Testing

/// The store's lookups by container name, of the latest inspect snapshot and of the recorder's sessions use an index,
/// not a read of every event: on 30 containers × 30 days of history (`scripts/bench query`) each scan took most of a
/// second. Each test explains the statement the store runs (its `…SQL` constant), with its arguments bound.
@Suite struct QueryPlanTests {
    private func plan(_ sql: String, _ arguments: StatementArguments = []) throws -> String {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try EventStore(path: directory.storePath)
        let queue = try DatabaseQueue(path: directory.storePath)
        return try queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }.joined(separator: "\n")
        }
    }

    @Test func aContainersIdsByNameComeFromAnIndex() throws {
        let detail = try plan(EventStore.containerIDsByNameSQL, ["web"])
        #expect(detail.contains("SEARCH events USING COVERING INDEX events_by_container_name"), "\(detail)")
    }

    @Test func theLatestInspectSnapshotComesFromAnIndex() throws {
        let detail = try plan(EventStore.latestSnapshotsSQL, ["running"])
        #expect(detail.contains("SEARCH events USING INDEX events_inspect_by_container"), "\(detail)")
    }

    @Test func theRecordersSessionRowsComeFromAnIndex() throws {
        let detail = try plan(EventStore.sessionRowsSQL)
        #expect(detail.contains("SCAN e USING INDEX events_recorder_sessions"), "\(detail)")
        #expect(!detail.contains("TEMP B-TREE"), "\(detail)")
    }
}
