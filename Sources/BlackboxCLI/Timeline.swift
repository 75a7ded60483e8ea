import BlackboxCore
import BlackboxStore
import DockerEngine
import Foundation

/// One line of `blackbox timeline`.
struct TimelineEntry: Equatable {
    /// Unix nanoseconds.
    var timeNanos: Int64
    /// The container it is about; nil for the recorder's own lines.
    var containerID: String?
    var event: String
    var details: String
}

/// The merged, time-ordered story of some containers: lifecycle events, start failures, health changes, what
/// reconciliation found, incidents opened and resolved, the recorder's blind windows, and notable samples (each
/// run's peak memory, the first sample at 90 % of the memory limit, CPU throttling). Pure: no store, no clock.
struct Timeline {
    /// The containers' events, oldest first.
    var events: [EventRecord]
    /// What is notable in each run of their samples (``sampleRuns(containerIDs:events:memoryLimits:since:until:)``),
    /// in that order.
    var sampleRuns: [SampleRunSummary]
    var incidents: [IncidentState]
    /// The diagnosis of each incident, by id.
    var diagnoses: [Int64: PlaybookMatchRecord]
    var blindWindows: [BlindWindow]
    var policy: IncidentPolicy
    var now: Int64

    /// A working set at or above this share of the limit is reported once per run.
    static let nearLimit = 0.9

    func entries() -> [TimelineEntry] {
        var entries = events.compactMap(eventEntry)
        entries += incidents.flatMap(incidentEntries)
        entries += blindWindows.map(blindEntry)
        entries += sampleEntries()
        // A stable sort: events keep their log order at equal times.
        return entries.enumerated().sorted { ($0.element.timeNanos, $0.offset) < ($1.element.timeNanos, $1.offset) }.map(\.element)
    }

    private func eventEntry(_ event: EventRecord) -> TimelineEntry? {
        switch event.kind {
        case .engine:
            guard event.type == "container", let action = event.action, !action.hasPrefix("exec_"), action != "attach" else { return nil }
            if action.hasPrefix("health_status") {
                return TimelineEntry(
                    timeNanos: event.timeNanos, containerID: event.containerID, event: "health",
                    details: action.dropFirst("health_status".count).trimmingCharacters(in: CharacterSet(charactersIn: ": ")))
            }
            return TimelineEntry(timeNanos: event.timeNanos, containerID: event.containerID, event: action, details: EventDescription.details(event, among: events))
        case .startFailure, .kernelOOM, .memoryPressure, .cpuPressure, .pidsPressure, .diskPressure, .errorBurst, .logTail, .reconciledExit, .reconciledCreate, .reconciledStart, .reconciledRestart, .reconciledRemove:
            let title = event.kind.isReconciled ? "\(event.kind.rawValue.dropFirst("reconciled_".count)) (reconciled)" : EventDescription.title(event)
            return TimelineEntry(timeNanos: event.timeNanos, containerID: event.containerID, event: title, details: EventDescription.details(event))
        case .engineInfo, .inspect, .hostFacts, .recorderStart, .recorderStop, .recorderDisconnected, .recorderReconnected, .recorderGap, .rejectedLine:
            return nil
        }
    }

    private func incidentEntries(_ incident: IncidentState) -> [TimelineEntry] {
        let id = incident.id ?? 0
        let diagnosis = diagnoses[id].map { "\($0.playbookID): \($0.title)" } ?? "no playbook matched"
        // Each row says what was known at its time: the opening names the first failure, later failures have rows of their own.
        var entries = [
            TimelineEntry(
                timeNanos: incident.openedNanos, containerID: incident.containerID, event: "incident \(id) opened",
                details: "trigger=\(incident.trigger) diagnosis=\(diagnosis)")
        ]
        let times = Dictionary(events.compactMap { event in event.seq.map { ($0, event.timeNanos) } }, uniquingKeysWith: { first, _ in first })
        for (index, occurrence) in incident.occurrenceList.enumerated().dropFirst() {
            guard let time = occurrence.seqs.compactMap({ times[$0] }).min() else { continue }
            entries.append(
                TimelineEntry(
                    timeNanos: time, containerID: incident.containerID, event: "incident \(id) occurrence \(index + 1)",
                    details: "trigger=\(occurrence.triggers.joined(separator: ","))"))
        }
        if let resolved = incident.resolvedNanos {
            entries.append(
                TimelineEntry(timeNanos: resolved, containerID: incident.containerID, event: "incident \(id) resolved", details: incident.resolution ?? ""))
        } else if incident.status(now: now, policy: policy) == .resolved, let stable = incident.stableSinceNanos {
            entries.append(
                TimelineEntry(
                    timeNanos: stable + policy.resolveAfterNanos, containerID: incident.containerID, event: "incident \(id) resolved",
                    details: "ran_stable for \(Units.span(nanos: policy.resolveAfterNanos))"))
        }
        return entries
    }

    private func blindEntry(_ window: BlindWindow) -> TimelineEntry {
        let until = window.untilNanos.map { "until \(Timestamp.rfc3339(unixNanos: $0)) (\(Units.span(nanos: $0 - window.fromNanos)))" } ?? "until now"
        let reason =
            switch window.reason {
            case "recorder_down": "no recorder ran (the last one was stopped)"
            case "recorder_crashed": "no recorder ran (the last one ended without stopping: killed or crashed)"
            case "disconnected": "the engine was unreachable"
            case "write_buffer_overflow": "the store could not be written and the buffer was full"
            default: window.reason
            }
        let recovered = window.gap.map { gap in
            gap.droppedEvents != nil || gap.droppedSamples != nil
                ? ", \(gap.droppedEvents ?? 0) events and \(gap.droppedSamples ?? 0) samples lost"
                : "; afterwards \(gap.replayed ?? 0) events replayed from the engine, \(gap.reconciled ?? 0) changes reconciled"
        } ?? ""
        let dropped = recovered
        return TimelineEntry(timeNanos: window.fromNanos, containerID: nil, event: "blind window", details: "\(until): \(reason)\(dropped)")
    }

    /// Per container, the runs of its samples: from one of its start `events` (oldest first) to the next, cut to
    /// `since`…`until` (Unix nanoseconds, inclusive), each with the memory limit it ran under and ``nearLimit`` of it
    /// as the threshold. Sorted by container id, then time.
    ///
    /// A run's limit is `HostConfig.Memory` (bytes; 0 = none) of the first inspect snapshot recorded in it, so a limit
    /// raised after an OOM kill is not applied to the runs before; a run without a snapshot takes `memoryLimits`
    /// (bytes by container id, the `containers` projection: the latest known).
    static func sampleRuns(
        containerIDs: [String], events: [EventRecord], memoryLimits: [String: Int64], since: Int64?, until: Int64?
    ) -> [SampleRun] {
        var starts: [String: [Int64]] = [:]
        var snapshots: [String: [(time: Int64, limit: Int64?)]] = [:]
        for event in events {
            guard let id = event.containerID else { continue }
            if event.kind == .engine && event.type == "container" && event.action == "start" { starts[id, default: []].append(event.timeNanos) }
            if event.kind == .inspect, let inspect = try? ContainerInspect.decode(Data(event.payload.utf8)) {
                snapshots[id, default: []].append((event.timeNanos, inspect.hostConfig.memoryBytes > 0 ? inspect.hostConfig.memoryBytes : nil))
            }
        }
        return Set(containerIDs).sorted().flatMap { id -> [SampleRun] in
            let bounds = [since ?? .min] + (starts[id] ?? []).sorted()
            return bounds.indices.map { index in
                let end = index + 1 < bounds.count ? bounds[index + 1] - 1 : until ?? .max
                let snapshot = snapshots[id]?.filter { (bounds[index]...end).contains($0.time) }.min { $0.time < $1.time }
                let limit = snapshot.map(\.limit) ?? memoryLimits[id]
                return SampleRun(
                    containerID: id, fromNanos: bounds[index], untilNanos: end, workingSetThreshold: limit.map { nearLimit * Double($0) },
                    memoryLimitBytes: limit)
            }
        }
    }

    /// Each run's peak working set, the first sample at ``nearLimit`` of the limit, and each stretch of CPU throttling.
    private func sampleEntries() -> [TimelineEntry] {
        sampleRuns.flatMap { summary -> [TimelineEntry] in
            let id = summary.run.containerID
            let peak = summary.peak
            let limit = summary.run.memoryLimitBytes
            let ofLimit = limit.map { " of a \(Units.bytes($0)) limit (\(Units.percent(100 * Double(peak.workingSetBytes) / Double($0))))" } ?? ""
            var entries = [
                TimelineEntry(
                    timeNanos: peak.timeNanos, containerID: id, event: "memory peak",
                    details: "working set \(Units.bytes(peak.workingSetBytes))\(ofLimit), highest of \(summary.count) sample\(summary.count == 1 ? "" : "s")")
            ]
            if let limit, let near = summary.firstReaching {
                entries.append(
                    TimelineEntry(
                        timeNanos: near.timeNanos, containerID: id, event: "memory limit reached",
                        details: "working set \(Units.bytes(near.workingSetBytes)) is \(Units.percent(100 * Double(near.workingSetBytes) / Double(limit))) of \(Units.bytes(limit))"))
            }
            entries += summary.throttling.map { stretch in
                TimelineEntry(
                    timeNanos: stretch.fromNanos, containerID: id, event: "cpu throttled",
                    details: "\(stretch.periods) CFS periods throttled over \(Units.span(nanos: stretch.untilNanos - stretch.fromNanos))")
            }
            return entries
        }
    }
}
