import BlackboxStore
import DockerEngine

extension IncidentContext {
    /// The event window: 10 minutes before the incident opened to a minute after its last trigger, nanoseconds.
    static let eventsBeforeNanos: Int64 = 600_000_000_000
    static let eventsAfterNanos: Int64 = 60_000_000_000
    /// The sample window: 30 minutes before the incident opened to 5 s after its last trigger, nanoseconds.
    static let samplesBeforeNanos: Int64 = 1_800_000_000_000
    static let samplesAfterNanos: Int64 = 5_000_000_000

    /// Reads the evidence of many incidents with a few queries: per container, one read of the events and one of the
    /// samples covers a run of incidents whose windows overlap, and each incident gets its window's part of them.
    /// Every result is the one ``load(_:from:lookups:)`` reads for that incident alone.
    ///
    /// - Parameters:
    ///   - lookups: the host facts of an occurrence; nil for those recorded at the failure (``RecordedLookups``).
    ///   - incidentsPerRead: at most this many incidents share one read (it bounds the events and samples held).
    ///   - each: called with each incident's evidence, by container id, then by opening time.
    /// - Throws: ``StoreError`` when the store cannot be read, or what `each` throws.
    public static func load(
        _ incidents: [IncidentState], from store: EventStore, lookups: (any EvidenceLookups)? = nil, incidentsPerRead: Int = 64,
        each: (IncidentEvidence) throws -> Void
    ) throws {
        let byContainer = Dictionary(grouping: incidents, by: \.containerID)
        for containerID in byContainer.keys.sorted() {
            let sorted = byContainer[containerID, default: []].sorted { ($0.openedNanos, $0.id ?? 0) < ($1.openedNanos, $1.id ?? 0) }
            var start = 0
            while start < sorted.count {
                var end = start + 1
                var eventsUntil = sorted[start].lastNanos + eventsAfterNanos
                var lastNanos = sorted[start].lastNanos
                while end < sorted.count, end - start < incidentsPerRead, sorted[end].openedNanos - eventsBeforeNanos <= eventsUntil {
                    eventsUntil = max(eventsUntil, sorted[end].lastNanos + eventsAfterNanos)
                    lastNanos = max(lastNanos, sorted[end].lastNanos)
                    end += 1
                }
                let opened = sorted[start].openedNanos
                let events = try store.events(EventFilter(containerIDs: [containerID], since: opened - eventsBeforeNanos, until: eventsUntil))
                let samples = try store.samples(containerIDs: [containerID], since: opened - samplesBeforeNanos, until: lastNanos + samplesAfterNanos)
                for incident in sorted[start..<end] {
                    let windowEvents = window(events, \.timeNanos, from: incident.openedNanos - eventsBeforeNanos, through: incident.lastNanos + eventsAfterNanos)
                    let windowSamples = window(samples, \.timeNanos, from: incident.openedNanos - samplesBeforeNanos, through: incident.lastNanos + samplesAfterNanos)
                    try each(make(incident, events: Array(windowEvents), samples: Array(windowSamples), from: store, lookups: lookups))
                }
                start = end
            }
        }
    }

    /// The elements of `sorted` (ascending by `time`) with `from <= time <= through`.
    private static func window<Element>(_ sorted: [Element], _ time: KeyPath<Element, Int64>, from: Int64, through: Int64) -> ArraySlice<Element> {
        func firstIndex(where isPast: (Int64) -> Bool) -> Int {
            var low = 0
            var high = sorted.count
            while low < high {
                let middle = (low + high) / 2
                if isPast(sorted[middle][keyPath: time]) { high = middle } else { low = middle + 1 }
            }
            return low
        }
        let lower = firstIndex { $0 >= from }
        return sorted[lower..<max(lower, firstIndex { $0 > through })]
    }
}
