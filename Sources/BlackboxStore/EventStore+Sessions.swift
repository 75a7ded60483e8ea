import GRDB

extension EventStore {
    /// How the last recorder session on this store ended, as the event log tells it.
    public struct PreviousSession: Sendable, Equatable {
        /// Unix nanoseconds of the newest row (event or sample): the last moment the store is known to be complete.
        public var lastRowNanos: Int64
        /// Whether the last recorder lifecycle row is a `recorder_stop`; false when the recorder was killed or the host crashed.
        public var stoppedCleanly: Bool
    }

    /// The previous recorder session, for the blind window until the next one starts; nil for an empty store.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func previousSession() throws -> PreviousSession? {
        try read { db in
            let lastEvent = try Int64.fetchOne(db, sql: "SELECT max(ts_ns) FROM events")
            // One primary-key look-up per container instead of a scan of every sample.
            let lastSample = try Int64.fetchOne(
                db, sql: "SELECT max((SELECT max(ts_ns) FROM samples WHERE container_key = k.key)) FROM container_keys k")
            guard let last = [lastEvent, lastSample].compactMap({ $0 }).max() else { return nil }
            let lastKind = try String.fetchOne(
                db,
                sql: "SELECT kind FROM events WHERE kind IN ('recorder_start', 'recorder_stop', 'recorder_disconnected', 'recorder_reconnected') ORDER BY seq DESC LIMIT 1")
            return PreviousSession(lastRowNanos: last, stoppedCleanly: lastKind == nil || lastKind == EventKind.recorderStop.rawValue)
        }
    }

    /// Whether the log holds, for a container, an engine event with one of `actions` or a row of one of `kinds`
    /// whose time lies in `from...until` (Unix nanoseconds).
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func hasEvent(containerID: String, actions: [String], kinds: [EventKind] = [], from: Int64, until: Int64) throws -> Bool {
        try read { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM events WHERE container_id = ? AND ts_ns BETWEEN ? AND ?
                        AND ((kind = 'engine' AND action IN (\(databaseQuestionMarks(count: max(actions.count, 1))))) OR kind IN (\(databaseQuestionMarks(count: max(kinds.count, 1))))))
                    """,
                arguments: StatementArguments([containerID, from, until] as [any DatabaseValueConvertible])
                    + StatementArguments(actions.isEmpty ? [""] : actions) + StatementArguments(kinds.isEmpty ? [""] : kinds.map(\.rawValue))) ?? false
        }
    }

    /// How many engine events with `action` a container has in `from...until` (Unix nanoseconds).
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func countEngineEvents(containerID: String, action: String, from: Int64, until: Int64) throws -> Int {
        try read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM events WHERE container_id = ? AND kind = 'engine' AND action = ? AND ts_ns BETWEEN ? AND ?",
                arguments: [containerID, action, from, until]) ?? 0
        }
    }

    /// Containers the projection holds as existing (any status but `removed`).
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func existingContainerIDs() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT container_id FROM containers WHERE status != 'removed'") }
    }
}

extension EventStore {
    /// Whether an event with this deduplication key is stored.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func hasKey(_ deduplicationKey: String) throws -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM events WHERE dedup_key = ?)", arguments: [deduplicationKey]) ?? false }
    }
}
