import BlackboxCore
import BlackboxStore
import DockerEngine
import Foundation

/// An incident with what the store holds around it: the whole window of its events and samples (for the timeline
/// and the memory curve), and one ``IncidentContext`` per occurrence, holding that failure's evidence only.
///
/// Pure: built from rows already read (``IncidentContext/load(_:from:lookups:each:)`` reads them).
public struct IncidentEvidence: Sendable {
    public var incident: IncidentState
    /// The container's rows from 10 minutes before the incident opened to a minute after its last trigger, in order.
    public var events: [EventRecord]
    /// The container's samples from 30 minutes before the incident opened to 5 s after its last trigger.
    public var samples: [ResourceSample]
    public var compose: ComposeContext?
    /// One context per occurrence, in order (never empty).
    public var occurrences: [IncidentContext]

    /// Splits the window into occurrences.
    ///
    /// - Parameter lookups: the host facts of one occurrence, given its rows and its failure time (Unix nanoseconds).
    public init(
        incident: IncidentState, events: [EventRecord], samples: [ResourceSample], compose: ComposeContext?,
        lookups: (_ rows: [EventRecord], _ failedNanos: Int64) -> any EvidenceLookups
    ) {
        self.incident = incident
        self.events = events
        self.samples = samples
        self.compose = compose
        var contexts: [IncidentContext] = []
        var history: [OccurrenceSummary] = []
        var previous: (time: Int64, seq: Int64)?
        let groups = incident.occurrenceList
        let bySeq = Dictionary(events.compactMap { event in event.seq.map { ($0, event) } }, uniquingKeysWith: { first, _ in first })
        let linkedKeys = Set(events.compactMap(Self.originKey))
        for (index, group) in groups.enumerated() {
            let triggers = group.seqs.compactMap { bySeq[$0] }
            let last = triggers.max { ($0.timeNanos, $0.seq ?? 0) < ($1.timeNanos, $1.seq ?? 0) }
            let failure = (time: last?.timeNanos ?? incident.lastNanos, seq: last?.seq ?? Int64.max)
            let from = previous ?? (incident.openedNanos - IncidentContext.eventsBeforeNanos, Int64.min)
            let nextLifecycle = events.first { Self.isLifecycle($0) && Self.after($0, failure) && !group.seqs.contains($0.seq ?? -1) }
            let rows = Self.rows(
                of: Set(group.seqs), triggers: triggers, from: from, failure: failure, until: nextLifecycle.map { ($0.timeNanos, $0.seq ?? 0) },
                events: events, linkedKeys: linkedKeys)
            let summary = OccurrenceSummary(
                number: index + 1, triggers: group.triggers, failedNanos: failure.time, exitCode: Self.exitCode(triggers, events: events),
                ranForNanos: Self.ranFor(rows, failure: failure.time, triggers: group.triggers))
            history.append(summary)
            let sampleFrom = index == 0 ? incident.openedNanos - IncidentContext.samplesBeforeNanos : from.0
            contexts.append(
                Self.context(
                    incident, summary: summary, rows: rows, triggers: triggers, history: history,
                    linesBefore: Self.nextRunLines(after: failure, triggers: group.triggers, in: events),
                    samples: samples.filter { $0.timeNanos > sampleFrom && $0.timeNanos <= failure.time || index == 0 && $0.timeNanos == sampleFrom },
                    compose: compose, lookups: lookups(rows, failure.time)))
            previous = failure
        }
        occurrences = contexts
    }

    /// The occurrence whose matches are the incident's diagnosis: the first failure's, unless a later failure of the
    /// same kind (the same triggers and exit code) says more — one a playbook that knows a cause explains (the first
    /// one's log tail may not have been read), else the latest one a fallback explains (a restart loop covers every
    /// failure before it; the latest whose log tail was read, when the last one's was not). A later failure of another kind (the stop a person timed out after an unhealthy container,
    /// a fix that failed differently) never replaces the first failure's diagnosis — unless that diagnosis is only a
    /// warning and the later one is a failure a playbook that knows a cause rates worse, not one of a stop (a
    /// person's `docker stop` that waited out its timeout, then a `docker start` the engine refused for a taken port:
    /// the refusal is the incident). A first failure that is a kill from outside (class stop) yields to a later cause
    /// that repeats (a Redis killed mid-write, then refusing its torn file on every start). With no match for the
    /// first, the first occurrence any playbook explains.
    ///
    /// - Parameters:
    ///   - matches: each occurrence's matches, best first, in occurrence order.
    ///   - occurrences: the same occurrences' contexts (``occurrences``), for their triggers and exit codes.
    public static func diagnosedOccurrence(_ matches: [[PlaybookMatch]], of occurrences: [IncidentContext]) -> Int {
        guard let first = matches.first else { return 0 }
        func knowsACause(_ index: Int) -> Bool { matches[index].first.map { !$0.playbook.fallback } ?? false }
        func sameKind(_ index: Int) -> Bool {
            guard occurrences.indices.contains(index), let initial = occurrences.first else { return false }
            let (this, that) = (occurrences[index].incident, initial.incident)
            return Set(this.triggerKinds) == Set(that.triggerKinds) && this.exitCode == that.exitCode
        }
        let chosen: Int
        if knowsACause(0) {
            chosen = 0
        } else if let known = matches.indices.dropFirst().first(where: { knowsACause($0) && sameKind($0) }) {
            chosen = known
        } else if !first.isEmpty {
            // The latest failure a fallback explains, unless its log tail could not be read (a `docker rm -f` during
            // the loop removed it first) and an earlier one's was: that one shows the error line.
            func wasRead(_ index: Int) -> Bool { occurrences.indices.contains(index) && !occurrences[index].logLines.isEmpty }
            let explained = matches.indices.filter { !matches[$0].isEmpty && sameKind($0) }
            let latest = explained.last ?? 0
            chosen = wasRead(latest) ? latest : (explained.last(where: wasRead) ?? latest)
        } else {
            chosen = matches.firstIndex { !$0.isEmpty } ?? 0
        }
        // A kill it did not ask for (class stop: `killed`), followed by failures of another kind that a playbook knows
        // and that repeat — the crash left state behind (a torn file, a stale lock): that cause keeps it down.
        if matches[chosen].first?.playbook.failureClass == .stop {
            let later = matches.indices.filter { index in
                index > chosen && knowsACause(index) && matches[index].first?.playbook.failureClass != .stop
            }
            if let first = later.first, later.filter({ matches[$0].first?.playbook.id == matches[first].first?.playbook.id }).count >= 2 {
                return first
            }
        }
        guard let diagnosis = matches[chosen].first, diagnosis.playbook.severity >= .warning else { return chosen }
        let worse = matches.indices.first { index in
            guard index > chosen, knowsACause(index), let best = matches[index].first else { return false }
            return best.playbook.severity < .warning && best.playbook.failureClass != .stop
        }
        return worse ?? chosen
    }

    // MARK: - Splitting the window

    /// From when a failure's log tail holds the next run's lines, Unix nanoseconds: a restart policy may start the
    /// next run before the tail is read, and the engine stamps that run's first lines before its `State.StartedAt`
    /// and its `start` event. A run that ended (`die`, a reconciled exit) printed its last line by its exit, which the
    /// `die` is stamped with; lines stamped more than ``exitLogLagNanos`` after it are cut when another run followed.
    /// nil when nothing is cut (no run ended, or none started after).
    static func nextRunLines(after failure: (time: Int64, seq: Int64), triggers: [String], in events: [EventRecord]) -> Int64? {
        guard triggers.contains(where: { ["die", "stop_timeout", "reconciled"].contains($0) }) else { return nil }
        guard events.contains(where: { ($0.action == "start" || $0.kind == .reconciledStart) && Self.after($0, failure) }) else { return nil }
        return failure.time + exitLogLagNanos
    }

    /// How long after a process's exit the engine may still stamp its last lines (it reads the pipe after the exit).
    /// Docker's restart policy waits at least 100 ms, and a new run takes longer to start.
    static let exitLogLagNanos: Int64 = 100_000_000


    /// The rows of one occurrence: the lifecycle rows after the previous failure up to this one, its trigger rows,
    /// and the observations recorded for it — those keyed to one of its rows, and unkeyed ones recorded before the
    /// container's next lifecycle row after the failure.
    private static func rows(
        of seqs: Set<Int64>, triggers: [EventRecord], from: (Int64, Int64), failure: (time: Int64, seq: Int64), until: (Int64, Int64)?,
        events: [EventRecord], linkedKeys: Set<String>
    ) -> [EventRecord] {
        func inRange(_ event: EventRecord) -> Bool {
            let position = (event.timeNanos, event.seq ?? 0)
            return position > from && position <= (failure.time, failure.seq)
        }
        var own = Set<String>()
        for event in events where seqs.contains(event.seq ?? -1) || (isLifecycle(event) && inRange(event)) {
            if let key = originKey(event) { own.insert(key) }
        }
        return events.filter { event in
            if seqs.contains(event.seq ?? -1) { return true }
            if isLifecycle(event) { return inRange(event) && event.kind != .startFailure }
            guard isObservation(event) else { return false }
            // Pressure or a burst that ends after the failure is not evidence of it.
            if event.kind.isWarning { return inRange(event) }
            if let origin = observationOrigin(event), linkedKeys.contains(origin) { return own.contains(origin) }
            let position = (event.timeNanos, event.seq ?? 0)
            return inRange(event) || (position > (failure.time, failure.seq) && until.map { position < $0 } ?? true)
        }
    }

    /// Engine events and the scans' `reconciled_*` rows: what happened to the container. The rest are observations
    /// (inspect snapshots, log tails, host facts, kernel counters, resource pressure, error bursts) recorded about it.
    static func isLifecycle(_ event: EventRecord) -> Bool {
        event.kind == .engine || event.kind.isReconciled || event.kind == .startFailure
    }

    private static func isObservation(_ event: EventRecord) -> Bool {
        event.kind == .inspect || event.kind == .logTail || event.kind == .hostFacts || event.kind.isWarning
    }

    private static func after(_ event: EventRecord, _ failure: (time: Int64, seq: Int64)) -> Bool {
        (event.timeNanos, event.seq ?? 0) > (failure.time, failure.seq)
    }

    /// The key an observation refers to: the engine event (or the start failure's cause) it was recorded for —
    /// `log_tail|K` and `inspect|K` were recorded for the `die` keyed `engine|K`.
    private static func observationOrigin(_ event: EventRecord) -> String? {
        event.deduplicationKey.flatMap(stripKind)
    }

    /// The key by which observations refer to a lifecycle row: `engine|K` → `K`; a start failure `start_failure|T`
    /// → `T`, the event that revealed it, which its snapshot (`inspect|T`) shares.
    private static func originKey(_ event: EventRecord) -> String? {
        guard isLifecycle(event) else { return nil }
        return event.deduplicationKey.flatMap(stripKind)
    }

    private static func stripKind(_ key: String) -> String? {
        key.firstIndex(of: "|").map { String(key[key.index(after: $0)...]) }
    }

    /// The failure's exit code. A refused start leaves `State.ExitCode` as the previous run ended unless that was 0
    /// (moby sets 128, or 126/127 for a program that cannot run): a start failure carrying the exit code of the `die`
    /// before it is that run's, not its own (a `docker restart` refused a taken port after a 137), and is nil.
    static func exitCode(_ triggers: [EventRecord], events: [EventRecord]) -> Int? {
        guard let trigger = triggers.last(where: { $0.kind == .startFailure || $0.kind == .reconciledExit || ($0.kind == .engine && $0.action == "die") })
        else { return nil }
        guard trigger.kind == .startFailure, let code = trigger.exitCode, ![126, 127, 128].contains(code) else { return trigger.exitCode }
        let previousDie = events.last { $0.kind == .engine && $0.action == "die" && ($0.timeNanos, $0.seq ?? 0) < (trigger.timeNanos, trigger.seq ?? 0) }
        return previousDie?.exitCode == code ? nil : code
    }

    private static func ranFor(_ rows: [EventRecord], failure: Int64, triggers: [String]) -> Int64? {
        guard !triggers.contains(IncidentTrigger.startFailure.rawValue) else { return nil }
        return rows.last { $0.kind == .engine && $0.action == "start" && $0.timeNanos <= failure }.map { failure - $0.timeNanos }
    }

    private static func context(
        _ incident: IncidentState, summary: OccurrenceSummary, rows: [EventRecord], triggers: [EventRecord], history: [OccurrenceSummary],
        linesBefore: Int64?, samples: [ResourceSample], compose: ComposeContext?, lookups: any EvidenceLookups
    ) -> IncidentContext {
        var scoped = incident
        scoped.occurrences = summary.number
        scoped.trigger = summary.triggers.first ?? incident.trigger
        var kinds: [String] = []
        for kind in summary.triggers where !kinds.contains(kind) { kinds.append(kind) }
        scoped.triggers = String(decoding: (try? JSONEncoder().encode(kinds)) ?? Data("[]".utf8), as: UTF8.self)
        scoped.exitCode = summary.exitCode
        scoped.lastNanos = summary.failedNanos
        let triggerKeys = Set(triggers.compactMap(originKey))
        let snapshots = rows.filter { $0.kind == .inspect }
        let forTrigger = snapshots.last { observationOrigin($0).map(triggerKeys.contains) ?? false }
        let afterFailure = snapshots.first { $0.timeNanos >= summary.failedNanos }
        let atFailure = forTrigger ?? afterFailure ?? snapshots.last
        let tails = rows.filter { $0.kind == .logTail }
        let tail = (tails.last { observationOrigin($0).map(triggerKeys.contains) ?? false } ?? tails.last)
            .flatMap { try? JSONDecoder().decode(EventRecord.LogTail.self, from: Data($0.payload.utf8)) }
            .map { $0.lines(before: linesBefore) }
        var lines = tail?.lines ?? []
        var redactedPerLine = tail.map { tail in tail.lines.indices.map { tail.redactedValues(line: $0) } } ?? []
        let burst = tail == nil ? triggers.compactMap(EventRecord.ErrorBurst.decode).last : nil
        if let burst {
            // A burst of a running container has no tail: its own lines are the log lines of the occurrence.
            lines = burst.lines
            redactedPerLine = burst.redacted ?? []
        }
        var context = IncidentContext(
            incident: scoped, events: rows, inspect: atFailure.flatMap { JSONValue.parse($0.payload) },
            snapshots: snapshots.compactMap { JSONValue.parse($0.payload) }, logLines: lines, samples: samples,
            history: history, compose: compose, lookups: lookups)
        context.redactedPerLine = redactedPerLine
        context.logsUnavailable = tail.flatMap { $0.captured ? nil : $0.reason }
        context.logTailRecorded = tail != nil || burst != nil
        return context
    }
}
