import BlackboxStore
import GRDB
import Testing

/// The store's lookups by container name, of the latest inspect snapshot and of the recorder's sessions use an index,
/// not a read of every event: on 30 containers × 30 days of history (`scripts/bench query`) each scan took most of a
/// second.
@Suite struct QueryPlanTests {
    private func plan(_ sql: String) throws -> String {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try EventStore(path: directory.storePath)
        let queue = try DatabaseQueue(path: directory.storePath)
        return try queue.read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "\n") }
    }

    @Test func aContainersIdsByNameComeFromAnIndex() throws {
        let detail = try plan("SELECT container_id FROM events WHERE container_name = 'web' GROUP BY container_id ORDER BY min(seq)")
        #expect(detail.contains("SEARCH events USING COVERING INDEX events_by_container_name"), "\(detail)")
    }

    @Test func theLatestInspectSnapshotComesFromAnIndex() throws {
        let detail = try plan(
            """
            SELECT c.container_id, e.payload FROM containers c
            JOIN events e ON e.seq = (SELECT max(seq) FROM events WHERE container_id = c.container_id AND kind = 'inspect')
            WHERE c.status = 'running'
            """)
        #expect(detail.contains("SEARCH events USING INDEX events_inspect_by_container"), "\(detail)")
    }

    @Test func theRecordersSessionRowsComeFromAnIndex() throws {
        let detail = try plan(
            """
            SELECT e.kind, e.ts_ns, e.payload,
                (SELECT p.kind FROM events p WHERE p.seq < e.seq ORDER BY p.seq DESC LIMIT 1) AS previous_kind
            FROM events e
            WHERE e.kind IN ('recorder_start', 'recorder_stop', 'recorder_gap')
            ORDER BY e.seq
            """)
        #expect(detail.contains("SCAN e USING INDEX events_recorder_sessions"), "\(detail)")
        #expect(!detail.contains("TEMP B-TREE"), "\(detail)")
    }
}
