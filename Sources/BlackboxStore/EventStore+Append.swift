import DockerEngine
import GRDB

extension EventStore {
    /// Appends one event and folds it into the projections, in one transaction.
    ///
    /// - Returns: the new row's `seq`, or nil when an event with the same deduplication key is already stored.
    /// - Throws: ``StoreError/notWritable(path:reason:)`` when the write fails (disk full, read-only file system);
    ///   nothing is half-written.
    @discardableResult
    public func append(_ event: EventRecord) throws -> Int64? {
        try append(contentsOf: [event])[0]
    }

    /// Appends events in the order given and folds each into the projections, all in one transaction.
    ///
    /// - Returns: for each event, its new `seq`, or nil when an event with the same deduplication key is already stored
    ///   (or came earlier in `events`).
    /// - Throws: ``StoreError/notWritable(path:reason:)`` when the write fails; then none of them is stored.
    @discardableResult
    public func append(contentsOf events: [EventRecord]) throws -> [Int64?] {
        guard !events.isEmpty else { return [] }
        do {
            return try pool.write { db in try events.map { try Self.insert($0, db, policy: incidentPolicy) } }
        } catch {
            throw StoreError.notWritable(path: path, reason: Self.reason(error))
        }
    }

    /// Appends samples in one transaction; a sample of the same container and time as a stored one is skipped.
    ///
    /// - Throws: ``StoreError/notWritable(path:reason:)`` when the write fails.
    public func append(samples: [ResourceSample]) throws {
        guard !samples.isEmpty else { return }
        do {
            try pool.write { db in
                // Cached statements: the recorder appends a sample per container per interval, and compiling the SQL
                // each time cost more than running it (scripts/bench record).
                let insert = try db.cachedStatement(
                    sql: """
                        INSERT INTO samples (container_key, ts_ns, cpu_pct, cpu_pct_of_limit, cpu_throttled_periods,
                            mem_usage_bytes, mem_working_set_bytes, mem_limit_bytes, pids,
                            net_rx_bytes, net_tx_bytes, blk_read_bytes, blk_write_bytes)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (container_key, ts_ns) DO NOTHING
                        """)
                for sample in samples {
                    let key = try Self.containerKey(sample.containerID, db)
                    try insert.execute(
                        arguments: [
                            key, sample.timeNanos, sample.cpuPercent, sample.cpuPercentOfLimit, sample.cpuThrottledPeriods,
                            sample.memoryUsageBytes, sample.memoryWorkingSetBytes, sample.memoryLimitBytes, sample.pids,
                            sample.networkRxBytes, sample.networkTxBytes, sample.blockReadBytes, sample.blockWriteBytes,
                        ])
                }
            }
        } catch {
            throw StoreError.notWritable(path: path, reason: Self.reason(error))
        }
    }

    /// Drops the projections (containers, incidents and their playbook matches) and folds the whole event log
    /// again, in `seq` order, in one transaction. Incident ids restart at 1, so a replay gives identical rows.
    public func rebuildProjections() throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM incident_matches; DELETE FROM incidents; DELETE FROM containers")
            try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = 'incidents'")
            let cursor = try EventRecord.fetchCursor(db, sql: "SELECT * FROM events WHERE container_id IS NOT NULL ORDER BY seq")
            while let event = try cursor.next() { try Self.fold(event, db, policy: incidentPolicy) }
        }
    }

    static func insert(_ event: EventRecord, _ db: Database, policy: IncidentPolicy) throws -> Int64? {
        let seq = try Int64.fetchOne(
            db,
            sql: """
                INSERT INTO events (ts_ns, kind, type, action, actor_id, container_id, container_name, image,
                    compose_project, compose_service, exit_code, signal, dedup_key, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (dedup_key) DO NOTHING
                RETURNING seq
                """,
            arguments: [
                event.timeNanos, event.kind.rawValue, event.type, event.action, event.actorID, event.containerID,
                event.containerName, event.image, event.composeProject, event.composeService, event.exitCode, event.signal,
                event.deduplicationKey, event.payload,
            ])
        guard let seq else { return nil }
        var stored = event
        stored.seq = seq
        try fold(stored, db, policy: policy)
        return seq
    }

    /// Folds a stored event into the containers and incidents projections.
    static func fold(_ event: EventRecord, _ db: Database, policy: IncidentPolicy) throws {
        guard let containerID = event.containerID else { return }
        let before = try ContainerState.fetchOne(db, key: containerID)
        var after = before ?? ContainerState(containerID: containerID)
        after.apply(event)
        try after.save(db)
        var open = try IncidentState.fetchOne(
            db, sql: "SELECT * FROM incidents WHERE container_id = ? AND resolved_ns IS NULL ORDER BY id DESC LIMIT 1", arguments: [containerID])
        if open == nil && (event.kind == .logTail || event.kind == .inspect) {
            // A `--rm` container is removed before its log tail and last snapshot are stored: they still belong to
            // the incident its removal resolved.
            open = try IncidentState.fetchOne(
                db, sql: "SELECT * FROM incidents WHERE container_id = ? AND resolution = 'removed' AND last_ns <= ? ORDER BY id DESC LIMIT 1",
                arguments: [containerID, event.timeNanos])
        }
        for var incident in IncidentFold.apply(event, open: open, before: before, after: after, policy: policy) {
            try incident.save(db)
        }
    }

    static func containerKey(_ containerID: String, _ db: Database) throws -> Int64 {
        try db.cachedStatement(sql: "INSERT INTO container_keys (container_id) VALUES (?) ON CONFLICT DO NOTHING").execute(arguments: [containerID])
        guard let key = try Int64.fetchOne(db.cachedStatement(sql: "SELECT key FROM container_keys WHERE container_id = ?"), arguments: [containerID]) else {
            throw DatabaseError(message: "no key for container \(containerID)")
        }
        return key
    }
}
