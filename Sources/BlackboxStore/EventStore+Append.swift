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
            return try pool.write { db in
                var folder = ProjectionFolder(policy: incidentPolicy)
                let seqs = try events.map { try Self.insert($0, db, folder: &folder) }
                try folder.finish(db)
                return seqs
            }
        } catch {
            throw StoreError.notWritable(path: path, reason: Self.reason(error, path: path))
        }
    }

    /// Appends samples in one transaction; a sample of the same container and time as a stored one is skipped.
    ///
    /// - Throws: ``StoreError/notWritable(path:reason:)`` when the write fails.
    public func append(samples: [ResourceSample]) throws {
        guard !samples.isEmpty else { return }
        do {
            try pool.write { db in
                var keys: [String: Int64] = [:]
                for sample in samples { try Self.insert(sample, db, keys: &keys) }
            }
        } catch {
            throw StoreError.notWritable(path: path, reason: Self.reason(error, path: path))
        }
    }

    /// Drops the projections (containers, incidents and their playbook matches) and folds the whole event log
    /// again, in `seq` order, in one transaction (a failure leaves the old projections). Incident ids restart at 1, so
    /// a replay gives identical rows. The new incidents are not diagnosed yet (``undiagnosedIncidents()``).
    ///
    /// Events whose time is outside ``Timestamp/acceptedNanos`` (stored by a blackbox before it checked them on
    /// input) are not folded: code past the ingress checks adds durations to times without overflow checks.
    ///
    /// - Returns: the `seq` of each event left out for its time, in order.
    /// - Throws: the database error when the store cannot be read or written; nothing is changed then.
    @discardableResult
    public func rebuildProjections() throws -> [Int64] {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM occurrence_matches; DELETE FROM incident_matches; DELETE FROM incidents; DELETE FROM containers")
            try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = 'incidents'")
            var folder = ProjectionFolder(policy: incidentPolicy)
            let range = Timestamp.acceptedNanos
            let cursor = try EventRecord.fetchCursor(
                db, sql: "SELECT * FROM events WHERE container_id IS NOT NULL AND ts_ns BETWEEN ? AND ? ORDER BY seq",
                arguments: [range.lowerBound, range.upperBound])
            while let event = try cursor.next() { try folder.fold(event, db) }
            try folder.finish(db)
            return try Int64.fetchAll(
                db, sql: "SELECT seq FROM events WHERE container_id IS NOT NULL AND ts_ns NOT BETWEEN ? AND ? ORDER BY seq",
                arguments: [range.lowerBound, range.upperBound])
        }
    }

    /// Inserts one sample; returns whether it was new (not a duplicate of a stored container and time).
    ///
    /// - Parameter keys: container keys by container id, read or created in this transaction (filled in here).
    @discardableResult
    static func insert(_ sample: ResourceSample, _ db: Database, keys: inout [String: Int64]) throws -> Bool {
        let key: Int64
        if let known = keys[sample.containerID] {
            key = known
        } else {
            key = try containerKey(sample.containerID, db)
            keys[sample.containerID] = key
        }
        var row = RowInsert(
            try db.cachedStatement(
                sql: """
                    INSERT INTO samples (container_key, ts_ns, cpu_pct, cpu_pct_of_limit, cpu_throttled_periods,
                        mem_usage_bytes, mem_working_set_bytes, mem_limit_bytes, pids,
                        net_rx_bytes, net_tx_bytes, blk_read_bytes, blk_write_bytes, oom_kills, ooms, mem_limit_hits)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (container_key, ts_ns) DO NOTHING
                    """), db)
        row.bind(key)
        row.bind(sample.timeNanos)
        row.bind(sample.cpuPercent)
        row.bind(sample.cpuPercentOfLimit)
        row.bind(sample.cpuThrottledPeriods)
        row.bind(sample.memoryUsageBytes)
        row.bind(sample.memoryWorkingSetBytes)
        row.bind(sample.memoryLimitBytes)
        row.bind(sample.pids)
        row.bind(sample.networkRxBytes)
        row.bind(sample.networkTxBytes)
        row.bind(sample.blockReadBytes)
        row.bind(sample.blockWriteBytes)
        row.bind(sample.oomKills)
        row.bind(sample.ooms)
        row.bind(sample.memoryLimitHits)
        return try row.run()
    }

    /// Inserts one event and folds it with `folder`; returns its new `seq`, nil when its deduplication key is stored.
    static func insert(_ event: EventRecord, _ db: Database, folder: inout ProjectionFolder) throws -> Int64? {
        // No `RETURNING seq`: SQLite runs a RETURNING statement with a statement journal, a temporary file that every
        // insert wrote pages to (ten times the WAL's writes in an import's profile).
        var row = RowInsert(
            try db.cachedStatement(
                sql: """
                    INSERT INTO events (ts_ns, kind, type, action, actor_id, container_id, container_name, image,
                        compose_project, compose_service, exit_code, signal, dedup_key, payload)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (dedup_key) DO NOTHING
                    """), db)
        row.bind(event.timeNanos)
        row.bind(event.kind.rawValue)
        row.bind(event.type)
        row.bind(event.action)
        row.bind(event.actorID)
        row.bind(event.containerID)
        row.bind(event.containerName)
        row.bind(event.image)
        row.bind(event.composeProject)
        row.bind(event.composeService)
        row.bind(event.exitCode)
        row.bind(event.signal)
        row.bind(event.deduplicationKey)
        row.bind(event.payload)
        guard try row.run() else { return nil }
        let seq = db.lastInsertedRowID
        var stored = event
        stored.seq = seq
        try folder.fold(stored, db)
        return seq
    }

    static func containerKey(_ containerID: String, _ db: Database) throws -> Int64 {
        if let key = try Int64.fetchOne(db.cachedStatement(sql: "SELECT key FROM container_keys WHERE container_id = ?"), arguments: [containerID]) {
            return key
        }
        try db.cachedStatement(sql: "INSERT INTO container_keys (container_id) VALUES (?)").execute(arguments: [containerID])
        return db.lastInsertedRowID
    }
}
