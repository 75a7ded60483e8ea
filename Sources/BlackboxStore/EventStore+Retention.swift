import Foundation
import GRDB

extension EventStore {
    /// Enforces `policy` as of `now` (Unix nanoseconds), in small transactions of at most
    /// ``RetentionPolicy/batchRows`` rows each, so that a recorder writing at the same time never waits long.
    ///
    /// 1. Raw `samples` older than ``RetentionPolicy/keepSamplesNanos`` (counted from the start of the minute) are
    ///    rolled up into `sample_rollups` — one row per container and minute: min/avg/max of CPU %, memory usage and
    ///    working set and pids, the last reading of the limit and the cumulative counters — and deleted. A minute is
    ///    always rolled up whole; a late sample for a minute already rolled up is merged into its row.
    /// 2. Roll-ups older than ``RetentionPolicy/keepRollupsNanos`` are deleted.
    /// 3. Incidents resolved (in the log, or by a stable run of the incident policy's length) before
    ///    ``RetentionPolicy/keepEventsNanos`` ago are deleted with their playbook matches. Open incidents are kept.
    /// 4. Events older than that are deleted, except those a kept incident rests on (`incidents.event_seqs`) and the
    ///    latest inspect snapshot of every container not removed (what reconciliation compares with).
    /// 5. A removed container's `containers` row goes once none of its events is left; a `container_keys` row once
    ///    none of its samples or roll-ups is.
    ///
    /// Running it again at the same `now` changes nothing. It blocks the calling thread: each batch is followed by a pause
    /// as long as the batch (see ``batch(_:_:)``), so it takes about twice its work; call it off the cooperative pool.
    ///
    /// - Returns: the rows rolled up and deleted per table.
    /// - Throws: ``StoreError/notWritable(path:reason:)`` when a write fails; the batches committed before stay
    ///   committed, and the store is consistent after each of them.
    @discardableResult
    public func prune(policy: RetentionPolicy, now: Int64) throws -> PruneReport {
        let cutoffs = RetentionCutoffs(policy: policy, now: now, resolveAfterNanos: incidentPolicy.resolveAfterNanos)
        var report = PruneReport()
        do {
            try rollUpSamples(cutoffs, batchRows: policy.batchRows, report: &report)
            try deleteRollups(cutoffs, batchRows: policy.batchRows, report: &report)
            var arguments = cutoffs.arguments(batchRows: policy.batchRows)
            report.incidentsDeleted = try deleteInBatches(
                "DELETE FROM incidents WHERE id IN (SELECT id FROM incidents i WHERE \(Self.incidentIsPrunable) LIMIT :batch)", arguments, batchRows: policy.batchRows, &report)
            arguments += ["keep": try read { db in try Self.protectedEventSeqs(db, arguments) }]
            report.eventsDeleted = try deleteInBatches(
                "DELETE FROM events WHERE seq IN (SELECT seq FROM events e WHERE \(Self.eventIsPrunable) ORDER BY e.ts_ns LIMIT :batch)", arguments,
                batchRows: policy.batchRows, &report)
            report.containersDeleted = try deleteInBatches(
                "DELETE FROM containers WHERE container_id IN (SELECT container_id FROM containers c WHERE \(Self.containerIsPrunable) LIMIT :batch)",
                arguments, batchRows: policy.batchRows, &report)
            // Every sample and roll-up left is kept now; requiring none at all also keeps a key a concurrent write just used.
            arguments = arguments &+ ["samplesFrom": Int64.min, "rollupsFrom": Int64.min]
            report.containerKeysDeleted = try deleteInBatches(
                "DELETE FROM container_keys WHERE key IN (SELECT key FROM container_keys k WHERE \(Self.containerKeyIsPrunable) LIMIT :batch)",
                arguments, batchRows: policy.batchRows, &report)
        } catch {
            throw StoreError.notWritable(path: path, reason: Self.reason(error, path: path))
        }
        return report
    }

    /// What ``prune(policy:now:)`` would roll up and delete as of `now`, counted without changing anything
    /// (`transactions` is 0).
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func prunable(policy: RetentionPolicy, now: Int64) throws -> PruneReport {
        let cutoffs = RetentionCutoffs(policy: policy, now: now, resolveAfterNanos: incidentPolicy.resolveAfterNanos)
        return try read { db in
            var arguments = cutoffs.arguments(batchRows: policy.batchRows)
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
            var report = PruneReport()
            report.samplesDeleted = try count("SELECT count(*) FROM samples WHERE ts_ns < :samples")
            report.samplesRolledUp = try count("SELECT count(*) FROM samples WHERE ts_ns >= :rollupsFrom AND ts_ns < :samples")
            report.rollupsWritten = try count(
                "SELECT count(*) FROM (SELECT DISTINCT container_key, \(Self.minuteOf("ts_ns")) FROM samples WHERE ts_ns >= :rollupsFrom AND ts_ns < :samples)")
            report.rollupsDeleted = try count("SELECT count(*) FROM sample_rollups WHERE minute_ns < :rollups")
            report.incidentsDeleted = try count("SELECT count(*) FROM incidents i WHERE \(Self.incidentIsPrunable)")
            arguments += ["keep": try Self.protectedEventSeqs(db, arguments)]
            report.eventsDeleted = try count("SELECT count(*) FROM events e WHERE \(Self.eventIsPrunable)")
            report.containersDeleted = try count("SELECT count(*) FROM containers c WHERE \(Self.containerIsPrunable)")
            report.containerKeysDeleted = try count("SELECT count(*) FROM container_keys k WHERE \(Self.containerKeyIsPrunable)")
            return report
        }
    }

    // The predicates below are shared by pruning and its dry run, so that both count the same rows.

    /// An incident (`i`) resolved before the events cutoff. Never NULL (an open incident gives false), so that
    /// `NOT` of it selects the incidents kept.
    private static let incidentIsPrunable =
        "i.last_ns < :events AND coalesce(i.resolved_ns, i.stable_since_ns + :resolveAfter, :events) < :events"
    /// An event (`e`) older than the cutoff that nothing kept rests on (`:keep`, a JSON array of `seq`).
    private static let eventIsPrunable = "e.ts_ns < :events AND e.seq NOT IN (SELECT value FROM json_each(:keep))"
    /// A removed container (`c`) none of whose events will be left.
    private static let containerIsPrunable =
        "c.status = 'removed' AND NOT EXISTS (SELECT 1 FROM events e WHERE e.container_id = c.container_id AND NOT (\(eventIsPrunable)))"
    /// A container key (`k`) none of whose samples (from `:samplesFrom`) or roll-ups (from `:rollupsFrom`) will be left.
    private static let containerKeyIsPrunable = """
        NOT EXISTS (SELECT 1 FROM samples WHERE container_key = k.key AND ts_ns >= :samplesFrom)
        AND NOT EXISTS (SELECT 1 FROM sample_rollups WHERE container_key = k.key AND minute_ns >= :rollupsFrom)
        """

    /// The `seq` of the events that must survive pruning, as a JSON array: those the incidents kept rest on, and the
    /// latest inspect snapshot of every container not removed.
    private static func protectedEventSeqs(_ db: Database, _ arguments: StatementArguments) throws -> String {
        let seqs = try Int64.fetchAll(
            db,
            sql: """
                SELECT j.value FROM incidents i, json_each(i.event_seqs) j WHERE NOT (\(incidentIsPrunable))
                UNION
                SELECT seq FROM (
                    SELECT (SELECT max(seq) FROM events WHERE container_id = c.container_id AND kind = 'inspect') AS seq
                    FROM containers c WHERE c.status != 'removed'
                ) WHERE seq IS NOT NULL
                """,
            arguments: arguments)
        return "[" + seqs.map(String.init).joined(separator: ",") + "]"
    }

    /// Runs `sql` (a DELETE of at most `:batch` rows) in its own transaction until it deletes fewer than a batch.
    private func deleteInBatches(_ sql: String, _ arguments: StatementArguments, batchRows: Int, _ report: inout PruneReport) throws -> Int {
        var total = 0
        while true {
            let deleted = try batch(&report) { db in
                try db.execute(sql: sql, arguments: arguments)
                return db.changesCount
            }
            total += deleted
            if deleted < batchRows { return total }
        }
    }

    /// Runs one batch in its own write transaction, then pauses for as long as the transaction took: a writer in another
    /// process waiting in SQLite's busy handler (which sleeps and retries) gets the lock between two batches instead of
    /// finding the next batch holding it.
    func batch<T>(_ report: inout PruneReport, _ body: (Database) throws -> T) throws -> T {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try pool.write(body)
        report.transactions += 1
        let held = start.duration(to: clock.now)
        Thread.sleep(forTimeInterval: Double(held.components.seconds) + Double(held.components.attoseconds) / 1e18)
        return result
    }
}

/// The times that split kept from pruned rows, Unix nanoseconds.
struct RetentionCutoffs {
    static let minuteNanos: Int64 = 60_000_000_000

    /// Raw samples before this (the start of a minute) are rolled up.
    let samples: Int64
    /// Roll-ups of minutes before this are deleted.
    let rollups: Int64
    /// The first sample time whose minute is at or after ``rollups``: older samples are deleted without a roll-up.
    let rollupsFrom: Int64
    /// Events and resolved incidents before this are deleted.
    let events: Int64
    let resolveAfterNanos: Int64

    init(policy: RetentionPolicy, now: Int64, resolveAfterNanos: Int64) {
        samples = Self.minuteStart(now - policy.keepSamplesNanos)
        rollups = now - policy.keepRollupsNanos
        let rollupsMinute = Self.minuteStart(rollups)
        rollupsFrom = rollupsMinute == rollups ? rollups : rollupsMinute + Self.minuteNanos
        events = now - policy.keepEventsNanos
        self.resolveAfterNanos = resolveAfterNanos
    }

    /// The start of the minute that holds `nanos`.
    static func minuteStart(_ nanos: Int64) -> Int64 {
        let remainder = nanos % minuteNanos
        return remainder < 0 ? nanos - remainder - minuteNanos : nanos - remainder
    }

    /// The named arguments of the pruning statements.
    func arguments(batchRows: Int) -> StatementArguments {
        [
            "samples": samples, "rollups": rollups, "rollupsFrom": rollupsFrom, "samplesFrom": min(samples, rollupsFrom),
            "events": events, "resolveAfter": resolveAfterNanos, "batch": batchRows,
        ]
    }
}
