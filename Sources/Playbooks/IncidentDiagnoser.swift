import BlackboxStore

/// Matches the playbooks against each occurrence of incidents and stores the results: every occurrence's matches
/// in `occurrence_matches`, the incident's diagnosis in `incident_matches`.
public struct IncidentDiagnoser: Sendable {
    public let store: EventStore
    public let matcher: PlaybookMatcher
    /// Host facts for every occurrence; nil for those recorded at each failure (``RecordedLookups``).
    public let lookups: (any EvidenceLookups)?

    public init(store: EventStore, playbooks: [Playbook], lookups: (any EvidenceLookups)? = nil) {
        self.store = store
        self.matcher = PlaybookMatcher(playbooks: playbooks)
        self.lookups = lookups
    }

    /// Matches and stores one incident; returns the incident's diagnosis and alternatives, best first.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read or written.
    @discardableResult
    public func diagnose(_ incident: IncidentState) throws -> [PlaybookMatch] {
        guard let id = incident.id else { return [] }
        let evidence = try IncidentContext.load(incident, from: store, lookups: lookups)
        let perOccurrence = matcher.matches(evidence)
        try store.replaceMatches([id: records(perOccurrence, of: evidence, incidentID: id)])
        return perOccurrence[IncidentEvidence.diagnosedOccurrence(perOccurrence, of: evidence.occurrences)]
    }

    /// Matches and stores many incidents: their evidence read with a few queries per container
    /// (``IncidentContext/load(_:from:lookups:incidentsPerRead:each:)``), the matches of ``matchesPerWrite`` incidents
    /// written in one transaction. The rows are the ones ``diagnose(_:)-(IncidentState)`` stores for each incident alone.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read or written; the batches written before stay.
    public func diagnose(_ incidents: [IncidentState]) throws {
        var pending: [Int64: IncidentDiagnosisRecords] = [:]
        try IncidentContext.load(incidents.filter { $0.id != nil }, from: store, lookups: lookups) { evidence in
            guard let id = evidence.incident.id else { return }
            pending[id] = records(matcher.matches(evidence), of: evidence, incidentID: id)
            if pending.count >= Self.matchesPerWrite {
                try store.replaceMatches(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        try store.replaceMatches(pending)
    }

    /// Incidents whose matches are written in one transaction by ``diagnose(_:)-([IncidentState])``.
    static let matchesPerWrite = 1024

    private func records(_ perOccurrence: [[PlaybookMatch]], of evidence: IncidentEvidence, incidentID: Int64) -> IncidentDiagnosisRecords {
        IncidentDiagnosisRecords(
            occurrences: perOccurrence.enumerated().map { occurrence, matches in
                matches.enumerated().map { $1.record(incidentID: incidentID, rank: $0 + 1, occurrence: occurrence + 1) }
            },
            diagnosedOccurrence: IncidentEvidence.diagnosedOccurrence(perOccurrence, of: evidence.occurrences))
    }
}
