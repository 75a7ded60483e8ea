import BlackboxStore

/// Matches the playbooks against an incident and stores the result in `incident_matches`.
public struct IncidentDiagnoser: Sendable {
    public let store: EventStore
    public let matcher: PlaybookMatcher
    public let lookups: any EvidenceLookups

    public init(store: EventStore, playbooks: [Playbook], lookups: (any EvidenceLookups)? = nil) {
        self.store = store
        self.matcher = PlaybookMatcher(playbooks: playbooks)
        self.lookups = lookups ?? HostLookups(store: store)
    }

    /// Re-diagnoses every incident the event with this `seq` was folded into.
    public func diagnose(touchedBy seq: Int64) throws {
        for incident in try store.incidents(touchedBy: seq) { _ = try diagnose(incident) }
    }

    /// Matches and stores; returns the matches, best first.
    @discardableResult
    public func diagnose(_ incident: IncidentState) throws -> [PlaybookMatch] {
        guard let id = incident.id else { return [] }
        let matches = matcher.matches(try IncidentContext.load(incident, from: store, lookups: lookups))
        try store.replaceMatches(incidentID: id, with: matches.enumerated().map { $1.record(incidentID: id, rank: $0 + 1) })
        return matches
    }
}
