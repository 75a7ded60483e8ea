import GRDB

extension EventStore {
    /// Gauges: a roll-up keeps their `_min`, `_avg` and `_max` per minute.
    static let rolledUpGauges = ["cpu_pct", "cpu_pct_of_limit", "mem_usage_bytes", "mem_working_set_bytes", "pids"]
    /// The limit and the cumulative counters: a roll-up keeps their last reading of the minute.
    static let rolledUpReadings = ["mem_limit_bytes", "cpu_throttled_periods", "net_rx_bytes", "net_tx_bytes", "blk_read_bytes", "blk_write_bytes",
        "oom_kills", "ooms", "mem_limit_hits",
    ]

    /// SQL for the start of the minute of `column` (Unix nanoseconds, not negative).
    static func minuteOf(_ column: String) -> String {
        "(\(column) / \(RetentionCutoffs.minuteNanos)) * \(RetentionCutoffs.minuteNanos)"
    }

    /// Rolls up and deletes the raw samples older than the cutoff, container by container, whole minutes at a time.
    func rollUpSamples(_ cutoffs: RetentionCutoffs, batchRows: Int, report: inout PruneReport) throws {
        for key in try containerKeys(withRowsIn: "samples", timeColumn: "ts_ns", before: cutoffs.samples) {
            var done = false
            while !done {
                let step = try batch(&report) { db in try Self.rollUpBatch(key: key, cutoffs, batchRows: batchRows, db) }
                report.samplesRolledUp += step.rolledUp
                report.rollupsWritten += step.written
                report.samplesDeleted += step.deleted
                done = step.done
            }
        }
    }

    /// What one roll-up batch did: samples rolled up, roll-ups written, samples deleted, and whether none is left.
    private struct RollUpStep {
        var rolledUp = 0
        var written = 0
        var deleted = 0
        var done = false
    }

    /// Rolls up and deletes one batch of a container's old samples: up to `batchRows` rows, cut at a minute's start
    /// (a single minute holding more samples than a batch is done whole).
    private static func rollUpBatch(key: Int64, _ cutoffs: RetentionCutoffs, batchRows: Int, _ db: Database) throws -> RollUpStep {
        var step = RollUpStep()
        guard let first = try Int64.fetchOne(db, sql: "SELECT min(ts_ns) FROM samples WHERE container_key = ? AND ts_ns < ?", arguments: [key, cutoffs.samples])
        else {
            step.done = true
            return step
        }
        let last = try Int64.fetchOne(
            db, sql: "SELECT ts_ns FROM samples WHERE container_key = ? AND ts_ns < ? ORDER BY ts_ns LIMIT 1 OFFSET ?",
            arguments: [key, cutoffs.samples, batchRows - 1])
        let end: Int64
        if let last {
            let minute = RetentionCutoffs.minuteStart(last)
            end = minute > first ? minute : min(minute + RetentionCutoffs.minuteNanos, cutoffs.samples)
        } else {
            end = cutoffs.samples
        }
        let from = max(first, cutoffs.rollupsFrom)
        if from < end {
            step.rolledUp =
                try Int.fetchOne(db, sql: "SELECT count(*) FROM samples WHERE container_key = ? AND ts_ns >= ? AND ts_ns < ?", arguments: [key, from, end]) ?? 0
            try db.execute(sql: rollUpStatement, arguments: [key, from, end])
            step.written = db.changesCount
        }
        try db.execute(sql: "DELETE FROM samples WHERE container_key = ? AND ts_ns < ?", arguments: [key, end])
        step.deleted = db.changesCount
        let left = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM samples WHERE container_key = ? AND ts_ns < ?)", arguments: [key, cutoffs.samples])
        step.done = left != true
        return step
    }

    /// Inserts the roll-ups of one container's samples in [?, ?), merging into a minute already rolled up.
    private static let rollUpStatement: String = {
        let aggregates = rolledUpGauges.map { "min(\($0)) AS \($0)_min, avg(\($0)) AS \($0)_avg, max(\($0)) AS \($0)_max" }
        let gaugeColumns = rolledUpGauges.flatMap { ["\($0)_min", "\($0)_avg", "\($0)_max"] }
        let merges =
            rolledUpGauges.flatMap { gauge in
                [
                    "\(gauge)_min = coalesce(min(\(gauge)_min, excluded.\(gauge)_min), \(gauge)_min, excluded.\(gauge)_min)",
                    "\(gauge)_avg = coalesce((\(gauge)_avg * samples + excluded.\(gauge)_avg * excluded.samples) / (samples + excluded.samples), \(gauge)_avg, excluded.\(gauge)_avg)",
                    "\(gauge)_max = coalesce(max(\(gauge)_max, excluded.\(gauge)_max), \(gauge)_max, excluded.\(gauge)_max)",
                ]
            } + rolledUpReadings.map { "\($0) = CASE WHEN excluded.last_ts_ns > last_ts_ns THEN excluded.\($0) ELSE \($0) END" }
        return """
            INSERT INTO sample_rollups (container_key, minute_ns, samples, last_ts_ns, \((gaugeColumns + rolledUpReadings).joined(separator: ", ")))
            SELECT g.container_key, g.minute_ns, g.samples, g.last_ts_ns, \((gaugeColumns.map { "g.\($0)" } + rolledUpReadings.map { "l.\($0)" }).joined(separator: ", "))
            FROM (
                SELECT container_key, \(minuteOf("ts_ns")) AS minute_ns, count(*) AS samples, max(ts_ns) AS last_ts_ns, \(aggregates.joined(separator: ", "))
                FROM samples WHERE container_key = ?1 AND ts_ns >= ?2 AND ts_ns < ?3 GROUP BY minute_ns
            ) g
            JOIN samples l ON l.container_key = g.container_key AND l.ts_ns = g.last_ts_ns
            WHERE true
            ON CONFLICT (container_key, minute_ns) DO UPDATE SET
                \(merges.joined(separator: ",\n    ")),
                samples = samples + excluded.samples,
                last_ts_ns = max(last_ts_ns, excluded.last_ts_ns)
            """
    }()

    /// Deletes the roll-ups older than the cutoff, container by container, `batchRows` at a time.
    func deleteRollups(_ cutoffs: RetentionCutoffs, batchRows: Int, report: inout PruneReport) throws {
        for key in try containerKeys(withRowsIn: "sample_rollups", timeColumn: "minute_ns", before: cutoffs.rollups) {
            var deleted = batchRows
            while deleted == batchRows {
                deleted = try batch(&report) { db in
                    let last = try Int64.fetchOne(
                        db, sql: "SELECT minute_ns FROM sample_rollups WHERE container_key = ? AND minute_ns < ? ORDER BY minute_ns LIMIT 1 OFFSET ?",
                        arguments: [key, cutoffs.rollups, batchRows - 1])
                    try db.execute(
                        sql: "DELETE FROM sample_rollups WHERE container_key = ? AND minute_ns < ?", arguments: [key, last.map { $0 + 1 } ?? cutoffs.rollups])
                    return db.changesCount
                }
                report.rollupsDeleted += deleted
            }
        }
    }

    /// The container keys that have rows in `table` (keyed by container key and `timeColumn`) from before `cutoff`.
    private func containerKeys(withRowsIn table: String, timeColumn: String, before cutoff: Int64) throws -> [Int64] {
        try read { db in
            try Int64.fetchAll(
                db, sql: "SELECT key FROM container_keys k WHERE EXISTS (SELECT 1 FROM \(table) WHERE container_key = k.key AND \(timeColumn) < ?)",
                arguments: [cutoff])
        }
    }
}
