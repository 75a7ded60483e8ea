import BlackboxStore

extension Timeline {
    /// The timeline of `containerIDs` read from `store`: their events, incidents and sample runs between `since` and
    /// `until` (Unix nanoseconds, inclusive; nil for no bound), every diagnosis, and the blind windows that overlap.
    /// `memoryLimits` are bytes by container id, for the runs without an inspect snapshot.
    ///
    /// - Throws: `StoreError.cannotRead` when the store cannot be read.
    static func load(
        containerIDs ids: [String], since: Int64?, until: Int64?, memoryLimits: [String: Int64], from store: EventStore, now: Int64
    ) throws -> Timeline {
        let events = try store.events(EventFilter(containerIDs: ids, since: since, until: until))
        let runs = sampleRuns(containerIDs: ids, events: events, memoryLimits: memoryLimits, since: since, until: until)
        let incidents = try store.incidents(containerIDs: ids, since: since, until: until)
        return Timeline(
            events: events, sampleRuns: try store.summaries(of: runs), incidents: incidents,
            diagnoses: try store.bestMatches(incidentIDs: incidents.compactMap(\.id)),
            blindWindows: try store.blindWindows(since: since, until: until), policy: store.incidentPolicy, now: now)
    }
}
