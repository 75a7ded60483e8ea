import DockerEngine
import GRDB

/// Which rows an export holds; nil fields do not filter.
public struct ExportFilter: Sendable {
    /// Only rows about these containers (plus the recorder's own rows and the engine's identity, which tell when
    /// the store was blind and what it recorded).
    public var containerIDs: [String]?
    /// Unix nanoseconds, inclusive.
    public var since: Int64?
    /// Unix nanoseconds, inclusive.
    public var until: Int64?

    public init(containerIDs: [String]? = nil, since: Int64? = nil, until: Int64? = nil) {
        self.containerIDs = containerIDs
        self.since = since
        self.until = until
    }
}

extension EventStore {
    /// Writes the events (in `seq` order, so an import folds them as they were folded here) and then the samples
    /// (by time) matching `filter`, one ``ExportFormat`` line each, without reading them all into memory.
    ///
    /// - Parameter write: receives each line, without its line break.
    /// - Returns: how many events and samples were written.
    /// - Throws: what `write` throws, or a database error when the store cannot be read.
    @discardableResult
    public func export(_ filter: ExportFilter, write: (String) throws -> Void) throws -> (events: Int, samples: Int) {
        var conditions = ["ts_ns >= ?", "ts_ns <= ?"]
        var arguments: StatementArguments = [filter.since ?? Int64.min, filter.until ?? Int64.max]
        if let ids = filter.containerIDs {
            conditions.append("(container_id IN (\(databaseQuestionMarks(count: ids.count))) OR (container_id IS NULL AND kind != 'engine'))")
            arguments += StatementArguments(ids)
        }
        return try read { db in
            var events = 0
            let cursor = try EventRecord.fetchCursor(
                db, sql: "SELECT * FROM events WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq", arguments: arguments)
            while let event = try cursor.next() {
                try write(ExportFormat.line(event))
                events += 1
            }
            var sampleArguments: StatementArguments = [filter.since ?? Int64.min, filter.until ?? Int64.max]
            var containerCondition = ""
            if let ids = filter.containerIDs {
                containerCondition = "AND k.container_id IN (\(databaseQuestionMarks(count: ids.count)))"
                sampleArguments += StatementArguments(ids)
            }
            var samples = 0
            let sampleCursor = try ResourceSample.fetchCursor(
                db,
                sql: """
                    SELECT k.container_id, s.* FROM samples s JOIN container_keys k ON k.key = s.container_key
                    WHERE s.ts_ns >= ? AND s.ts_ns <= ? \(containerCondition)
                    ORDER BY s.ts_ns, k.container_id
                    """,
                arguments: sampleArguments)
            while let sample = try sampleCursor.next() {
                try write(ExportFormat.line(sample))
                samples += 1
            }
            return (events, samples)
        }
    }

    /// The ids of the containers of a compose project (label `com.docker.compose.project`), from the containers projection.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func containerIDs(project: String) throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT container_id FROM containers WHERE compose_project = ? ORDER BY container_id", arguments: [project])
        }
    }
}
