import BlackboxStore

/// Matches the playbooks against incidents and stores the results in `incident_matches`.
public struct IncidentDiagnoser: Sendable {
    public let store: EventStore
    public let matcher: PlaybookMatcher
    public let lookups: any EvidenceLookups

    public init(store: EventStore, playbooks: [Playbook], lookups: (any EvidenceLookups)? = nil) {
        self.store = store
        self.matcher = PlaybookMatcher(playbooks: playbooks)
        self.lookups = lookups ?? HostLookups(store: store)
    }

    /// Matches and stores one incident; returns the matches, best first.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read or written.
    @discardableResult
    public func diagnose(_ incident: IncidentState) throws -> [PlaybookMatch] {
        guard let id = incident.id else { return [] }
        let matches = matcher.matches(try IncidentContext.load(incident, from: store, lookups: lookups))
        try store.replaceMatches([id: records(matches, incidentID: id)])
        return matches
    }

    /// Matches and stores many incidents: their contexts read with a few queries per container
    /// (``IncidentContext/load(_:from:lookups:each:)``), the matches of ``matchesPerWrite`` incidents written in one
    /// transaction. The rows are the ones ``diagnose(_:)-(IncidentState)`` stores for each incident alone.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read or written; the batches written before stay.
    public func diagnose(_ incidents: [IncidentState]) throws {
        var pending: [Int64: [PlaybookMatchRecord]] = [:]
        try IncidentContext.load(incidents.filter { $0.id != nil }, from: store, lookups: lookups) { context in
            guard let id = context.incident.id else { return }
            pending[id] = records(matcher.matches(context), incidentID: id)
            if pending.count >= Self.matchesPerWrite {
                try store.replaceMatches(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        try store.replaceMatches(pending)
    }

    /// Incidents whose matches are written in one transaction by ``diagnose(_:)-([IncidentState])``.
    static let matchesPerWrite = 1024

    private func records(_ matches: [PlaybookMatch], incidentID: Int64) -> [PlaybookMatchRecord] {
        matches.enumerated().map { $1.record(incidentID: incidentID, rank: $0 + 1) }
    }
}
