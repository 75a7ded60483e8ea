import DockerEngine
import Foundation

/// Opens, grows and resolves incidents from the event log. Pure: the result depends only on its inputs.
///
/// - A trigger opens an incident: a `die` with a non-zero exit code (unless the container obeyed a signal it
///   was sent, as `docker stop` → exit 143) or an exit 0 in a loop under a restart policy (``isCleanExitLoop(_:_:)``), an `oom`, a start failure, `health_status: unhealthy`, a non-zero exit
///   or restarts found by a scan with no `die` received (`reconciled`); a `die`
///   after a stop that escalated from SIGTERM to SIGKILL is the trigger `stop_timeout`.
/// - A trigger after the container started again is another occurrence of the open incident (a restart loop
///   is one incident); triggers of the same failure (`oom` then `die`) are one occurrence. A start failure, and a
///   `stop_timeout` after an `unhealthy` (the stop a person asked for), are occurrences of their own.
/// - The incident resolves when the container is removed, or has run — and, with a health check, been
///   healthy — for ``IncidentPolicy/resolveAfterNanos``; a failure after that opens a new incident.
/// - A warning of a container that runs on — a pressure `start` row (`memory_pressure`, `cpu_pressure`,
///   `pids_pressure`, `disk_pressure`) or an `error_burst` `start` — opens a warning incident with no `die`; its stable clock runs
///   from the `end` row after which no resource is under pressure (or the burst's `end`), or from the container's
///   stop or next start. A failure while it is open resolves it as `superseded` and opens an incident of its own; a
///   warning while a failure incident is open joins that incident's rows and is no occurrence.
public enum IncidentFold {
    /// The trigger an event is, judged with the container's state from before the event; nil when it is none.
    public static func trigger(_ event: EventRecord, before container: ContainerState?) -> IncidentTrigger? {
        switch event.kind {
        case .startFailure:
            return .startFailure
        case .kernelOOM:
            return .oom
        case .memoryPressure, .cpuPressure, .pidsPressure, .diskPressure:
            return EventRecord.Pressure.decode(event).flatMap { $0.phase == .start ? $0.resource.trigger : nil }
        case .errorBurst:
            return EventRecord.ErrorBurst.decode(event)?.phase == .start ? .errorBurst : nil
        case .reconciledExit:
            return (event.exitCode ?? 0) != 0 ? .reconciled : nil
        case .reconciledRestart:
            let change = try? JSONDecoder().decode(EventRecord.ReconciledChange.self, from: Data(event.payload.utf8))
            return (change?.missedRestarts ?? 0) > 0 ? .reconciled : nil
        case .engine where event.type == "container":
            switch event.action ?? "" {
            case "oom": return .oom
            case "health_status: unhealthy": return .unhealthy
            case "die": return dieTrigger(event, container)
            default: return nil
            }
        default:
            return nil
        }
    }

    private static func dieTrigger(_ event: EventRecord, _ container: ContainerState?) -> IncidentTrigger? {
        let exitCode = event.exitCode ?? 0
        guard exitCode != 0 else { return isCleanExitLoop(event, container) ? .die : nil }
        let signals = (container?.killSignals ?? "").split(separator: ",").compactMap { Signal.number(String($0)) }
        guard let last = signals.last else { return .die }
        if last == 9 && signals.dropLast().contains(15) { return exitCode == 137 ? .stopTimeout : .die }
        // The container ended on the signal it was sent: a deliberate stop or kill, not a failure.
        return exitCode == 128 + last ? nil : .die
    }

    /// Restarts by the policy before a clean exit that make it a loop (``isCleanExitLoop(_:_:)``).
    public static let cleanExitLoopRestarts = 2
    /// The longest run, nanoseconds, that counts as one turn of a clean-exit loop (10 s: the engine resets its
    /// restart back-off for a container that ran that long).
    public static let cleanExitLoopRunNanos: Int64 = 10_000_000_000

    /// An exit 0 that is a failure all the same: the main process ends normally, and the restart policy (`always`,
    /// `unless-stopped`) starts it again, over and over — a server that daemonizes, a one-shot command under
    /// `--restart always`. True when the container had already been restarted by its policy
    /// ``cleanExitLoopRestarts`` times (`RestartCount`, which a manual start resets) and this run lasted under
    /// ``cleanExitLoopRunNanos``, with no signal sent to it.
    static func isCleanExitLoop(_ event: EventRecord, _ container: ContainerState?) -> Bool {
        guard let container, ["always", "unless-stopped"].contains(container.restartPolicy ?? ""), container.killSignals == nil,
            container.restartCount >= cleanExitLoopRestarts, let started = container.startedNanos
        else { return false }
        let ran = event.timeNanos - started
        return ran >= 0 && ran < cleanExitLoopRunNanos
    }

    /// Folds one event (already stored, with its `seq`) into the container's open incident.
    ///
    /// - Parameters:
    ///   - open: the container's latest incident not yet resolved in the log, if any.
    ///   - before: the container's state before this event; `after`: after it.
    /// - Returns: the incidents to save: the open one when this event changed it (possibly resolving it), and a new
    ///   one when this event opened it. Their `lastEventSeq` is this event's, which tells the recorder what to re-diagnose.
    public static func apply(
        _ event: EventRecord, open: IncidentState?, before: ContainerState?, after: ContainerState, policy: IncidentPolicy
    ) -> [IncidentState] {
        guard let seq = event.seq, let containerID = event.containerID else { return [] }
        let trigger = trigger(event, before: before)
        guard var incident = open else {
            return trigger.map { [newIncident($0, event, seq: seq, containerID: containerID, container: after)] } ?? []
        }
        let time = event.timeNanos
        if let trigger {
            incident.lastEventSeq = seq
            if let stable = incident.stableSinceNanos, time - stable >= policy.resolveAfterNanos {
                incident.resolvedNanos = stable + policy.resolveAfterNanos
                incident.resolution = IncidentResolution.ranStable.rawValue
                return [incident, newIncident(trigger, event, seq: seq, containerID: containerID, container: after)]
            }
            let warningOpen = IncidentTrigger(rawValue: incident.trigger)?.isWarning == true
            if warningOpen && !trigger.isWarning {
                // A failure of a container under a warning is an incident of its own (its evidence holds the warning rows).
                incident.resolvedNanos = time
                incident.resolution = IncidentResolution.superseded.rawValue
                return [incident, newIncident(trigger, event, seq: seq, containerID: containerID, container: after)]
            }
            if !warningOpen && trigger.isWarning {
                // A warning while a failure is still open is part of that failure's story, not another incident.
                append(seq, to: &incident)
                return [incident]
            }
            let restartedSince = (before?.startedNanos ?? Int64.min) > incident.lastNanos
            // A warning that begins again after it had ended is another occurrence; another resource joining is the same one.
            let warningAgain = trigger.isWarning && incident.stableSinceNanos != nil
            var groups = incident.occurrenceList
            // A stop that had to be escalated after the container turned unhealthy is what a person did about it
            // (`docker restart -t 1`, `compose down`): its own failure, not the health check's.
            let stopAfterUnhealthy = trigger == .stopTimeout && groups.last.map { Set($0.triggers) == [IncidentTrigger.unhealthy.rawValue] } == true
            if restartedSince || trigger == .startFailure || stopAfterUnhealthy || warningAgain {
                incident.occurrences += 1
                groups.append(OccurrenceTriggers(seqs: [seq], triggers: [trigger.rawValue]))
            } else {
                groups[groups.count - 1].seqs.append(seq)
                groups[groups.count - 1].triggers.append(trigger.rawValue)
            }
            incident.occurrenceTriggers = Self.json(groups)
            incident.lastNanos = time
            incident.stableSinceNanos = Self.stableSince(afterTrigger: trigger, container: after, time: time)
            if !incident.triggerKinds.contains(trigger.rawValue) { incident.triggers = Self.json(incident.triggerKinds + [trigger.rawValue]) }
            if event.action == "die" || event.kind == .reconciledExit { incident.exitCode = event.exitCode ?? incident.exitCode }
            append(seq, to: &incident)
            return [incident]
        }
        let unchanged = incident
        if IncidentTrigger(rawValue: incident.trigger)?.isWarning == true, let ended = warningEnded(event, time: time) {
            // A warning incident's stable clock runs from when no resource is under pressure (or in a burst) any more.
            incident.stableSinceNanos = incident.stableSinceNanos ?? ended
            append(seq, to: &incident)
            incident.lastEventSeq = seq
            return incident == unchanged ? [] : [incident]
        }
        switch (event.kind, event.action ?? "") {
        case (.engine, "destroy"), (.reconciledRemove, _):
            incident.resolvedNanos = time
            incident.resolution = IncidentResolution.removed.rawValue
            append(seq, to: &incident)
        case (.engine, "start"), (.reconciledStart, _):
            incident.stableSinceNanos = after.health == nil ? time : nil
        case (.engine, "health_status: healthy"):
            incident.stableSinceNanos = incident.stableSinceNanos ?? ((after.status == "running") ? time : nil)
        case (.engine, "kill"), (.logTail, _), (.inspect, _), (.hostFacts, _):
            if incident.stableSinceNanos == nil && (before?.startedNanos ?? Int64.min) <= incident.lastNanos { append(seq, to: &incident) }
        default:
            break
        }
        // Events that change nothing (network events, `exec_*` health probes, …) leave the row and its diagnosis alone.
        guard incident != unchanged else { return [] }
        incident.lastEventSeq = seq
        return [incident]
    }

    /// When an event ends a warning incident's cause: a pressure `end` row after which no resource is under pressure,
    /// an `error_burst` `end`, a `die` (the process is gone), a `start` (a new run); nil for other events.
    private static func warningEnded(_ event: EventRecord, time: Int64) -> Int64? {
        switch (event.kind, event.action ?? "") {
        case (.memoryPressure, _), (.cpuPressure, _), (.pidsPressure, _), (.diskPressure, _):
            guard let pressure = EventRecord.Pressure.decode(event), pressure.phase == .end, pressure.active.isEmpty else { return nil }
            return time
        case (.errorBurst, _):
            return EventRecord.ErrorBurst.decode(event)?.phase == .end ? time : nil
        case (.engine, "die"), (.engine, "start"), (.reconciledExit, _), (.reconciledStart, _):
            return time
        default:
            return nil
        }
    }

    /// An `oom` that killed a child leaves the container running: the stable clock starts at once (without a health
    /// check), so the incident can resolve; a `die` right after it resets the clock.
    private static func stableSince(afterTrigger trigger: IncidentTrigger, container: ContainerState, time: Int64) -> Int64? {
        trigger == .oom && container.status == "running" && container.health == nil ? time : nil
    }

    private static func newIncident(_ trigger: IncidentTrigger, _ event: EventRecord, seq: Int64, containerID: String, container: ContainerState) -> IncidentState {
        IncidentState(
            id: nil, containerID: containerID, containerName: container.name, image: container.image,
            composeProject: container.composeProject, composeService: container.composeService, trigger: trigger.rawValue, triggers: json([trigger.rawValue]),
            openedNanos: event.timeNanos, lastNanos: event.timeNanos, occurrences: 1,
            exitCode: event.action == "die" || event.kind == .startFailure || event.kind == .reconciledExit ? event.exitCode : nil,
            stableSinceNanos: stableSince(afterTrigger: trigger, container: container, time: event.timeNanos), resolvedNanos: nil, resolution: nil, eventSeqs: "[\(seq)]", lastEventSeq: seq,
            occurrenceTriggers: json([OccurrenceTriggers(seqs: [seq], triggers: [trigger.rawValue])]))
    }

    /// Encoded with sorted keys: the same fold writes the same bytes (replay and the batch fold compare rows).
    private static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data("[]".utf8), as: UTF8.self)
    }

    private static func append(_ seq: Int64, to incident: inout IncidentState) {
        var seqs = incident.seqs
        guard !seqs.contains(seq) else { return }
        seqs.append(seq)
        incident.eventSeqs = "[" + seqs.map(String.init).joined(separator: ",") + "]"
    }
}

/// Linux signal numbers and names, for exit codes 128+n and `kill` events' `signal` attribute.
public enum Signal {
    public static let names: [Int: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL",
        10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM",
    ]

    /// `15`, `SIGTERM` or `TERM` as a number; nil when unknown.
    public static func number(_ text: String) -> Int? {
        if let number = Int(text) { return number }
        let name = text.uppercased().hasPrefix("SIG") ? text.uppercased() : "SIG" + text.uppercased()
        return names.first { $0.value == name }?.key
    }

    /// Linux's highest signal number (SIGRTMAX): an exit code above 128 + 64 is the program's own, not a signal's
    /// (npm exits 243 for EACCES).
    public static let highest = 64

    /// The signal that ended a process with this exit code (128+n), e.g. 137 → SIGKILL; nil below 129 and above
    /// 128 + ``highest``.
    public static func name(forExitCode exitCode: Int) -> String? {
        (129...128 + highest).contains(exitCode) ? names[exitCode - 128] ?? "signal \(exitCode - 128)" : nil
    }
}
