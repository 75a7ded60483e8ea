import GRDB

/// A compose service's measured resource use over a window, from `samples` of every container that was the service
/// (`containers.compose_project` / `compose_service`, so a recreated container counts as the same service).
public struct ServiceUsage: Sendable, Equatable {
    /// Samples in the window, and the distinct containers they came from.
    public var samples: Int
    public var containers: Int
    /// Unix nanoseconds of the first and the last sample in the window.
    public var firstNanos: Int64
    public var lastNanos: Int64
    /// Working set (usage minus inactive page cache), bytes: 99th percentile (nearest rank) and maximum.
    public var workingSetP99Bytes: Int64
    public var workingSetMaxBytes: Int64
    /// CPU as `docker stats` shows it (100 = one CPU), 95th percentile; nil when no sample had a CPU reading.
    public var cpuP95Percent: Double?
    /// CPU as a percent of the container's own limit, 95th percentile; nil when no sample had one.
    public var cpuOfLimitP95Percent: Double?
    /// How many more CFS periods were throttled over the window, summed over the containers.
    public var throttledPeriodsGrowth: Int64

    public init(
        samples: Int, containers: Int, firstNanos: Int64, lastNanos: Int64, workingSetP99Bytes: Int64, workingSetMaxBytes: Int64,
        cpuP95Percent: Double?, cpuOfLimitP95Percent: Double?, throttledPeriodsGrowth: Int64
    ) {
        self.samples = samples
        self.containers = containers
        self.firstNanos = firstNanos
        self.lastNanos = lastNanos
        self.workingSetP99Bytes = workingSetP99Bytes
        self.workingSetMaxBytes = workingSetMaxBytes
        self.cpuP95Percent = cpuP95Percent
        self.cpuOfLimitP95Percent = cpuOfLimitP95Percent
        self.throttledPeriodsGrowth = throttledPeriodsGrowth
    }
}

extension EventStore {
    /// The ids of every container recorded as part of the compose `project` and `service` (either may be nil: any),
    /// oldest first: a service's containers across recreations.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func containerIDs(project: String?, service: String?) throws -> [String] {
        try read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT container_id FROM containers
                    WHERE (?1 IS NULL OR compose_project = ?1) AND (?2 IS NULL OR compose_service = ?2) AND coalesce(?1, ?2) IS NOT NULL
                    ORDER BY coalesce(created_ns, state_ns), container_id
                    """,
                arguments: [project, service])
        }
    }

    /// The measured use of a compose service between `since` and `until` (Unix nanoseconds, inclusive); nil when the
    /// store holds no sample of it in that window.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func serviceUsage(project: String, service: String, since: Int64, until: Int64 = Int64.max) throws -> ServiceUsage? {
        try read { db in
            let scope = """
                FROM samples s JOIN container_keys k ON k.key = s.container_key JOIN containers c ON c.container_id = k.container_id
                WHERE c.compose_project = ?1 AND c.compose_service = ?2 AND s.ts_ns BETWEEN ?3 AND ?4
                """
            let arguments: StatementArguments = [project, service, since, until]
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) AS n, count(DISTINCT s.container_key) AS containers, min(s.ts_ns) AS first, max(s.ts_ns) AS last,
                            max(s.mem_working_set_bytes) AS peak, count(s.cpu_pct) AS cpu, count(s.cpu_pct_of_limit) AS cpu_of_limit \(scope)
                        """,
                    arguments: arguments),
                let count = row["n"] as Int?, count > 0
            else { return nil }
            // Nearest rank: the smallest value with at least `percent` % of the `present` non-null values at or below it. Counted
            // from the top, so that SQLite keeps only the highest few percent in its sorter instead of sorting them all.
            func percentile<Value: DatabaseValueConvertible>(_ column: String, _ percent: Int, of present: Int) throws -> Value? {
                guard present > 0 else { return nil }
                let rank = (present * percent + 99) / 100
                return try Value.fetchOne(
                    db, sql: "SELECT \(column) \(scope) AND \(column) IS NOT NULL ORDER BY \(column) DESC LIMIT 1 OFFSET ?5",
                    arguments: arguments + [present - rank])
            }
            // Per container (a correlated subquery walks each container's primary-key range; GROUP BY would sort them all).
            let growth = try Int64.fetchOne(
                db,
                sql: """
                    SELECT sum((SELECT max(s.cpu_throttled_periods) - min(s.cpu_throttled_periods) FROM samples s
                                WHERE s.container_key = k.key AND s.ts_ns BETWEEN ?3 AND ?4))
                    FROM containers c JOIN container_keys k ON k.container_id = c.container_id
                    WHERE c.compose_project = ?1 AND c.compose_service = ?2
                    """,
                arguments: arguments) ?? 0
            return ServiceUsage(
                samples: count, containers: row["containers"], firstNanos: row["first"], lastNanos: row["last"],
                workingSetP99Bytes: try percentile("s.mem_working_set_bytes", 99, of: count) ?? 0, workingSetMaxBytes: row["peak"],
                cpuP95Percent: try percentile("s.cpu_pct", 95, of: row["cpu"]), cpuOfLimitP95Percent: try percentile("s.cpu_pct_of_limit", 95, of: row["cpu_of_limit"]),
                throttledPeriodsGrowth: growth)
        }
    }

    /// The incidents of a compose service's containers, newest first.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func incidents(project: String, service: String) throws -> [IncidentState] {
        try read { db in
            try IncidentState.fetchAll(
                db, sql: "SELECT * FROM incidents WHERE compose_project = ? AND compose_service = ? ORDER BY last_ns DESC, id DESC",
                arguments: [project, service])
        }
    }


    /// The engine host's memory (`MemTotal` of `GET /info` in the latest `engine_info`), bytes; nil when none is recorded.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func engineHostMemoryBytes() throws -> Int64? {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT json_extract(payload, '$.info.MemTotal') FROM events WHERE kind = 'engine_info' ORDER BY seq DESC LIMIT 1")
        }
    }
}
