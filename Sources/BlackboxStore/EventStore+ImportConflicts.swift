import DockerEngine
import Foundation
import GRDB

extension EventStore {
    /// How an imported event differs from the stored event with the same `dedup_key`, nil when it is the same fact:
    /// the same time, kind, container and exit code and, except for engine events (whose key is their identity:
    /// time, type, action, actor), a payload of the same JSON value (spacing and key order aside).
    ///
    /// A damaged copy of a file imported first would otherwise shadow the real lines forever (first write wins).
    static func conflict(_ event: EventRecord, _ db: Database) throws -> String? {
        guard let key = event.deduplicationKey,
            let stored = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT seq, ts_ns, kind, container_id, exit_code, payload FROM events WHERE dedup_key = ?"),
                arguments: [key])
        else { return nil }
        var differs: [String] = []
        if stored["ts_ns"] as Int64 != event.timeNanos { differs.append("ts_ns") }
        if stored["kind"] as String != event.kind.rawValue { differs.append("kind") }
        if stored["container_id"] as String? != event.containerID { differs.append("container_id") }
        if stored["exit_code"] as Int? != event.exitCode { differs.append("exit_code") }
        if event.kind != .engine, !Self.sameJSON(stored["payload"] as String, event.payload) { differs.append("payload") }
        guard !differs.isEmpty else { return nil }
        let seq: Int64 = stored["seq"]
        return "dedup_key \(key) is stored (seq \(seq)) with another \(differs.joined(separator: ", ")): "
            + "a conflicting copy of the same event; the stored one is kept"
    }

    /// How an imported sample differs from the stored sample of the same container and time, nil when its counters
    /// are the same (the CPU percentages, real numbers, are not compared).
    static func conflict(_ sample: ResourceSample, containerKey: Int64, _ db: Database) throws -> String? {
        guard
            let stored = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT cpu_throttled_periods, mem_usage_bytes, mem_working_set_bytes, mem_limit_bytes, pids,
                            net_rx_bytes, net_tx_bytes, blk_read_bytes, blk_write_bytes
                        FROM samples WHERE container_key = ? AND ts_ns = ?
                        """), arguments: [containerKey, sample.timeNanos])
        else { return nil }
        let values: [(String, Int64)] = [
            ("cpu_throttled_periods", sample.cpuThrottledPeriods), ("mem_usage_bytes", sample.memoryUsageBytes),
            ("mem_working_set_bytes", sample.memoryWorkingSetBytes), ("mem_limit_bytes", sample.memoryLimitBytes),
            ("pids", sample.pids), ("net_rx_bytes", sample.networkRxBytes), ("net_tx_bytes", sample.networkTxBytes),
            ("blk_read_bytes", sample.blockReadBytes), ("blk_write_bytes", sample.blockWriteBytes),
        ]
        let differs = values.filter { stored[$0.0] as Int64 != $0.1 }.map(\.0)
        guard !differs.isEmpty else { return nil }
        return "a sample of container \(sample.containerID) at ts_ns \(sample.timeNanos) is stored with another "
            + "\(differs.joined(separator: ", ")): a conflicting copy of the same sample; the stored one is kept"
    }

    private static func sameJSON(_ left: String, _ right: String) -> Bool {
        left == right || ImportLine.canonicalJSON(Array(left.utf8)).map { $0 == ImportLine.canonicalJSON(Array(right.utf8)) } ?? false
    }
}
