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
    /// The occurrence it matched (1 for the incident's first failure).
    public var occurrence: Int

    public init(
        incidentID: Int64, rank: Int, playbookID: String, title: String, severity: String, diagnosis: String, fix: String, evidence: String,
        occurrence: Int = 1
    ) {
        self.incidentID = incidentID
        self.rank = rank
        self.playbookID = playbookID
        self.title = title
        self.severity = severity
        self.diagnosis = diagnosis
        self.fix = fix
        self.evidence = evidence
        self.occurrence = occurrence
    }

    enum CodingKeys: String, CodingKey {
        case rank, title, severity, diagnosis, fix, evidence, occurrence
        case incidentID = "incident_id"
        case playbookID = "playbook_id"
    }
}

/// What the diagnosis of one incident stores: each occurrence's matches (`occurrence_matches`), and the incident's
/// diagnosis (`incident_matches`): the matches of ``diagnosedOccurrence``.
public struct IncidentDiagnosisRecords: Sendable, Equatable {
    /// Each occurrence's matches, best first; index 0 is occurrence 1. Their `incidentID` is the incident's and their
    /// `occurrence` their own.
    public var occurrences: [[PlaybookMatchRecord]]
    /// The occurrence (0-based) whose matches are the incident's diagnosis.
    public var diagnosedOccurrence: Int

    public init(occurrences: [[PlaybookMatchRecord]], diagnosedOccurrence: Int) {
        self.occurrences = occurrences
        self.diagnosedOccurrence = diagnosedOccurrence
    }

    /// The incident's matches, best first.
    public var incident: [PlaybookMatchRecord] {
        occurrences.indices.contains(diagnosedOccurrence) ? occurrences[diagnosedOccurrence] : []
    }
}

extension EventStore {
    /// Incidents whose latest trigger is at or after `since` (Unix nanoseconds), newest first.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func incidents(since: Int64? = nil, project: String? = nil) throws -> [IncidentState] {
        try read { db in
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
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func incident(_ id: Int64) throws -> IncidentState? {
        try read { db in try IncidentState.fetchOne(db, key: id) }
    }

    /// The latest incident of any of these containers.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func latestIncident(containerIDs: [String]) throws -> IncidentState? {
        try read { db in
            try IncidentState.fetchOne(
                db,
                sql: "SELECT * FROM incidents WHERE container_id IN (\(databaseQuestionMarks(count: containerIDs.count))) ORDER BY last_ns DESC, id DESC LIMIT 1",
                arguments: StatementArguments(containerIDs))
        }
    }

    /// Replaces the playbook matches of each incident given (by incident id) and of its occurrences, all in one
    /// transaction, and marks each diagnosed as it is now (`diagnosed_seq` = `last_event_seq`, see
    /// ``undiagnosedIncidents()``).
    ///
    /// - Throws: ``StoreError/notWritable(path:reason:)`` when the write fails; then none of them is replaced.
    public func replaceMatches(_ diagnoses: [Int64: IncidentDiagnosisRecords]) throws {
        guard !diagnoses.isEmpty else { return }
        do {
            try pool.write { db in
                let delete = try db.cachedStatement(sql: "DELETE FROM incident_matches WHERE incident_id = ?")
                let deleteOccurrences = try db.cachedStatement(sql: "DELETE FROM occurrence_matches WHERE incident_id = ?")
                let insertOccurrence = try db.cachedStatement(
                    sql: """
                        INSERT INTO occurrence_matches (incident_id, occurrence, rank, playbook_id, title, severity, diagnosis, fix, evidence)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                let diagnosed = try db.cachedStatement(sql: "UPDATE incidents SET diagnosed_seq = last_event_seq WHERE id = ?")
                for (incidentID, diagnosis) in diagnoses {
                    try delete.execute(arguments: [incidentID])
                    try diagnosed.execute(arguments: [incidentID])
                    try deleteOccurrences.execute(arguments: [incidentID])
                    for match in diagnosis.incident { try match.insert(db) }
                    for matches in diagnosis.occurrences {
                        for match in matches {
                            try insertOccurrence.execute(arguments: [
                                incidentID, match.occurrence, match.rank, match.playbookID, match.title, match.severity, match.diagnosis, match.fix, match.evidence,
                            ])
                        }
                    }
                }
            }
        } catch {
            throw StoreError.notWritable(path: path, reason: Self.reason(error, path: path))
        }
    }

    /// Each occurrence's playbook matches, best first, by occurrence number (1 for the first failure); an occurrence
    /// that nothing matched is absent.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func occurrenceMatches(incidentID: Int64) throws -> [Int: [PlaybookMatchRecord]] {
        let rows = try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM occurrence_matches WHERE incident_id = ? ORDER BY occurrence, rank", arguments: [incidentID])
        }
        var result: [Int: [PlaybookMatchRecord]] = [:]
        for row in rows {
            result[row["occurrence"], default: []].append(
                PlaybookMatchRecord(
                    incidentID: row["incident_id"], rank: row["rank"], playbookID: row["playbook_id"], title: row["title"], severity: row["severity"],
                    diagnosis: row["diagnosis"], fix: row["fix"], evidence: row["evidence"], occurrence: row["occurrence"]))
        }
        return result
    }

    /// An incident's playbook matches, best first.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func matches(incidentID: Int64) throws -> [PlaybookMatchRecord] {
        try read { db in
            try PlaybookMatchRecord.fetchAll(db, sql: "SELECT * FROM incident_matches WHERE incident_id = ? ORDER BY rank", arguments: [incidentID])
        }
    }

    /// The first-ranked match of each incident (of these incidents only, when given), by incident id.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func bestMatches(incidentIDs: [Int64]? = nil) throws -> [Int64: PlaybookMatchRecord] {
        let rows = try read { db in
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
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func incidents(containerIDs: [String], since: Int64?, until: Int64?) throws -> [IncidentState] {
        try read { db in
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
