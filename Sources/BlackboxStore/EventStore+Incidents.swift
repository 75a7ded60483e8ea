import GRDB

/// One row of `incident_matches`: a playbook that matched an incident, with its rendered text and evidence.
public struct PlaybookMatchRecord: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "incident_matches"

    public var incidentID: Int64
    /// 1 for the diagnosis; 2… for the alternatives, in order.
    public var rank: Int
    public var playbookID: String
    public var title: String
    public var severity: String
    public var diagnosis: String
    public var fix: String
    /// JSON object of evidence values by name.
    public var evidence: String

    public init(incidentID: Int64, rank: Int, playbookID: String, title: String, severity: String, diagnosis: String, fix: String, evidence: String) {
        self.incidentID = incidentID
        self.rank = rank
        self.playbookID = playbookID
        self.title = title
        self.severity = severity
        self.diagnosis = diagnosis
        self.fix = fix
        self.evidence = evidence
    }

    enum CodingKeys: String, CodingKey {
        case rank, title, severity, diagnosis, fix, evidence
        case incidentID = "incident_id"
        case playbookID = "playbook_id"
    }
}

extension EventStore {
    /// Incidents whose latest trigger is at or after `since` (Unix nanoseconds), newest first.
    public func incidents(since: Int64? = nil, project: String? = nil) throws -> [IncidentState] {
        try pool.read { db in
            try IncidentState.fetchAll(
                db,
                sql: """
                    SELECT * FROM incidents WHERE last_ns >= ? AND (?2 IS NULL OR compose_project = ?2)
                    ORDER BY last_ns DESC, id DESC
                    """,
                arguments: [since ?? Int64.min, project])
        }
    }

    /// One incident by id.
    public func incident(_ id: Int64) throws -> IncidentState? {
        try pool.read { db in try IncidentState.fetchOne(db, key: id) }
    }

    /// The latest incident of any of these containers.
    public func latestIncident(containerIDs: [String]) throws -> IncidentState? {
        try pool.read { db in
            try IncidentState.fetchOne(
                db,
                sql: "SELECT * FROM incidents WHERE container_id IN (\(databaseQuestionMarks(count: containerIDs.count))) ORDER BY last_ns DESC, id DESC LIMIT 1",
                arguments: StatementArguments(containerIDs))
        }
    }

    /// Replaces the playbook matches of each incident given (by incident id), all in one transaction.
    ///
    /// - Throws: ``StoreError/notWritable(path:reason:)`` when the write fails; then none of them is replaced.
    public func replaceMatches(_ matchesByIncident: [Int64: [PlaybookMatchRecord]]) throws {
        guard !matchesByIncident.isEmpty else { return }
        do {
            try pool.write { db in
                let delete = try db.cachedStatement(sql: "DELETE FROM incident_matches WHERE incident_id = ?")
                for (incidentID, matches) in matchesByIncident {
                    try delete.execute(arguments: [incidentID])
                    for match in matches { try match.insert(db) }
                }
            }
        } catch {
            throw StoreError.notWritable(path: path, reason: Self.reason(error))
        }
    }

    /// An incident's playbook matches, best first.
    public func matches(incidentID: Int64) throws -> [PlaybookMatchRecord] {
        try pool.read { db in
            try PlaybookMatchRecord.fetchAll(db, sql: "SELECT * FROM incident_matches WHERE incident_id = ? ORDER BY rank", arguments: [incidentID])
        }
    }

    /// The first-ranked match of each incident (of these incidents only, when given), by incident id.
    public func bestMatches(incidentIDs: [Int64]? = nil) throws -> [Int64: PlaybookMatchRecord] {
        let rows = try pool.read { db in
            guard let ids = incidentIDs else {
                return try PlaybookMatchRecord.fetchAll(db, sql: "SELECT * FROM incident_matches WHERE rank = 1")
            }
            return try PlaybookMatchRecord.fetchAll(
                db, sql: "SELECT * FROM incident_matches WHERE rank = 1 AND incident_id IN (\(databaseQuestionMarks(count: ids.count)))",
                arguments: StatementArguments(ids))
        }
        return Dictionary(rows.map { ($0.incidentID, $0) }, uniquingKeysWith: { $1 })
    }

    /// The incidents of these containers that were open at some moment between `since` and `until` (Unix
    /// nanoseconds, inclusive; nil for no bound), newest first; read through `incidents_by_container`.
    public func incidents(containerIDs: [String], since: Int64?, until: Int64?) throws -> [IncidentState] {
        try pool.read { db in
            try IncidentState.fetchAll(
                db,
                sql: """
                    SELECT * FROM incidents WHERE container_id IN (\(databaseQuestionMarks(count: containerIDs.count)))
                        AND opened_ns <= ? AND coalesce(resolved_ns, ?) >= ?
                    ORDER BY last_ns DESC, id DESC
                    """,
                arguments: StatementArguments(containerIDs) + [until ?? Int64.max, Int64.max, since ?? Int64.min])
        }
    }
}
