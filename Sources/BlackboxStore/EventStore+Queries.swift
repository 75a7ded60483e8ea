import DockerEngine
import GRDB

/// Which events to read; nil fields do not filter.
public struct EventFilter: Sendable {
    /// Container ids (see ``EventStore/containerIDs(matching:)``).
    public var containerIDs: [String]?
    /// Unix nanoseconds, inclusive.
    public var since: Int64?
    /// Unix nanoseconds, inclusive.
    public var until: Int64?
    /// Engine event `Type` (`container`, `network`, …). The recorder's observations about containers (inspect,
    /// log tail, start failure) count as `container`; its other rows are left out when this is set.
    public var type: String?
    /// At most this many, the newest ones (still returned oldest first).
    public var limit: Int?

    public init(containerIDs: [String]? = nil, since: Int64? = nil, until: Int64? = nil, type: String? = nil, limit: Int? = nil) {
        self.containerIDs = containerIDs
        self.since = since
        self.until = until
        self.type = type
        self.limit = limit
    }
}

/// A row of `samples`, read by its column names (``ResourceSample``'s coding keys).
extension ResourceSample: FetchableRecord {}

extension EventStore {
    /// The ids of the containers that ever had the name `nameOrID` (a name reused by recreated containers gives all
    /// of them, oldest first); when none did, of the containers whose id starts with it.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func containerIDs(matching nameOrID: String) throws -> [String] {
        let named = try containerIDs(named: nameOrID)
        return named.isEmpty ? try containerIDs(withPrefix: nameOrID) : named
    }

    /// The ids of the containers that ever had this name (a leading `/` is ignored), oldest first.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func containerIDs(named name: String) throws -> [String] {
        let name = name.hasPrefix("/") ? String(name.dropFirst()) : name
        return try read { db in try String.fetchAll(db, sql: Self.containerIDsByNameSQL, arguments: [name]) }
    }

    /// The statement of ``containerIDs(named:)`` (one argument: the name); `QueryPlanTests` explains it.
    static let containerIDsByNameSQL = "SELECT container_id FROM events WHERE container_name = ? GROUP BY container_id ORDER BY min(seq)"

    /// The ids of the recorded containers whose id starts with `prefix` (hex digits only).
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func containerIDs(withPrefix prefix: String) throws -> [String] {
        guard !prefix.isEmpty, prefix.allSatisfy(\.isHexDigit) else { return [] }
        return try read { db in
            try String.fetchAll(
                db, sql: "SELECT container_id FROM containers WHERE container_id LIKE ? || '%' ORDER BY container_id", arguments: [prefix])
        }
    }

    /// The time of the newest engine event stored, Unix nanoseconds; nil when there is none.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func latestEngineEventTime() throws -> Int64? {
        try read { db in try Int64.fetchOne(db, sql: "SELECT max(ts_ns) FROM events WHERE kind = 'engine'") }
    }

    /// Events matching `filter`, oldest first (by time, then append order).
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func events(_ filter: EventFilter) throws -> [EventRecord] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let ids = filter.containerIDs {
            conditions.append("container_id IN (\(databaseQuestionMarks(count: ids.count)))")
            arguments += StatementArguments(ids)
        }
        if let since = filter.since {
            conditions.append("ts_ns >= ?")
            arguments += [since]
        }
        if let until = filter.until {
            conditions.append("ts_ns <= ?")
            arguments += [until]
        }
        if let type = filter.type {
            conditions.append("(type = ? OR (? = 'container' AND kind != 'engine' AND container_id IS NOT NULL))")
            arguments += [type, type]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        var sql = "SELECT * FROM events \(whereClause) ORDER BY ts_ns DESC, seq DESC"
        if let limit = filter.limit { sql += " LIMIT \(max(limit, 0))" }
        return try read { db in try EventRecord.fetchAll(db, sql: sql, arguments: arguments) }.reversed()
    }

    /// The containers projection, by name; removed containers only when `includeRemoved`.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func containers(includeRemoved: Bool = true) throws -> [ContainerState] {
        try read { db in
            try ContainerState.fetchAll(
                db, sql: "SELECT * FROM containers \(includeRemoved ? "" : "WHERE status != 'removed'") ORDER BY name, container_id")
        }
    }

    /// The latest sample of each container that has one, by container id.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func latestSamples() throws -> [String: ResourceSample] {
        let rows = try read { db in
            try ResourceSample.fetchAll(
                db,
                sql: """
                    SELECT k.container_id, s.* FROM container_keys k
                    JOIN samples s ON s.container_key = k.key
                        AND s.ts_ns = (SELECT max(ts_ns) FROM samples WHERE container_key = k.key)
                    """)
        }
        return Dictionary(rows.map { ($0.containerID, $0) }, uniquingKeysWith: { $1 })
    }

    /// Samples of `containerIDs` between `since` and `until` (Unix nanoseconds, inclusive), oldest first.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func samples(containerIDs: [String], since: Int64? = nil, until: Int64? = nil) throws -> [ResourceSample] {
        try read { db in
            try ResourceSample.fetchAll(
                db,
                sql: """
                    SELECT k.container_id, s.* FROM samples s JOIN container_keys k ON k.key = s.container_key
                    WHERE k.container_id IN (\(databaseQuestionMarks(count: containerIDs.count)))
                      AND s.ts_ns >= ? AND s.ts_ns <= ?
                    ORDER BY s.ts_ns
                    """,
                arguments: StatementArguments(containerIDs) + [since ?? Int64.min, until ?? Int64.max])
        }
    }

    /// The projection's row for one container.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func container(_ containerID: String) throws -> ContainerState? {
        try read { db in try ContainerState.fetchOne(db, key: containerID) }
    }

    /// How many events and samples the store holds.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func counts() throws -> (events: Int, samples: Int) {
        try read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM samples") ?? 0)
        }
    }
}

extension EventStore {
    /// The statement of ``latestSnapshots(status:)`` (one argument: the status); `QueryPlanTests` explains it.
    static let latestSnapshotsSQL = """
        SELECT c.container_id, e.payload FROM containers c
        JOIN events e ON e.seq = (SELECT max(seq) FROM events WHERE container_id = c.container_id AND kind = 'inspect')
        WHERE c.status = ?
        """

    /// The latest inspect snapshot (JSON) of every container the projection shows with this status, by container id.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func latestSnapshots(status: String) throws -> [String: String] {
        let rows = try read { db in
            try Row.fetchAll(db, sql: Self.latestSnapshotsSQL, arguments: [status])
        }
        return Dictionary(rows.map { ($0["container_id"] as String, $0["payload"] as String) }, uniquingKeysWith: { $1 })
    }
}

extension EventStore {
    /// The latest inspect snapshot (JSON) of one container at or before `atNanos` (Unix nanoseconds), whatever its
    /// state then; nil when the store holds none.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func snapshot(containerID: String, atNanos: Int64) throws -> String? {
        try read { db in
            try String.fetchOne(
                db, sql: "SELECT payload FROM events WHERE container_id = ? AND kind = 'inspect' AND ts_ns <= ? ORDER BY seq DESC LIMIT 1",
                arguments: [containerID, atNanos])
        }
    }

    /// The inspect payload of every container whose latest snapshot at or before `atNanos` (Unix nanoseconds) shows it
    /// running, by container id: who was running then.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func runningSnapshots(atNanos: Int64) throws -> [String: String] {
        let rows = try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.container_id, e.payload FROM events e
                    JOIN (SELECT container_id, max(seq) AS seq FROM events WHERE kind = 'inspect' AND ts_ns <= ? GROUP BY container_id) latest
                        ON latest.seq = e.seq
                    WHERE json_extract(e.payload, '$.State.Running') = 1
                    """,
                arguments: [atNanos])
        }
        return Dictionary(rows.map { ($0["container_id"] as String, $0["payload"] as String) }, uniquingKeysWith: { $1 })
    }
}

extension EventStore {
    /// The latest `limit` lifecycle rows of these containers at or before `until` (Unix nanoseconds), oldest first:
    /// engine `create`, `start`, `restart`, `unpause`, `die`, `destroy`, `health_status: …` and inspect snapshots —
    /// a container's state at a moment, without reading its health-check `exec_*` events (one a second or more).
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func lifecycleRows(containerIDs: [String], until: Int64, limit: Int = 64) throws -> [EventRecord] {
        guard !containerIDs.isEmpty else { return [] }
        return try read { db in
            try EventRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM events
                    WHERE container_id IN (\(databaseQuestionMarks(count: containerIDs.count))) AND ts_ns <= ?
                        AND (kind = 'inspect' OR (kind = 'engine' AND type = 'container'
                            AND (action IN ('create', 'start', 'restart', 'unpause', 'die', 'destroy') OR action LIKE 'health_status%')))
                    ORDER BY ts_ns DESC, seq DESC LIMIT ?
                    """,
                arguments: StatementArguments(containerIDs) + [until, limit])
        }.reversed()
    }
}
