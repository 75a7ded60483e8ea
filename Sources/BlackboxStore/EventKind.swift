/// The kinds of rows in the event log (`events.kind`).
public enum EventKind: String, Sendable, Codable, CaseIterable {
    /// A line of the engine's `/events`, verbatim.
    case engine
    /// The engine's identity when the recorder connected: `/version`, `/info`, the address and negotiated API version.
    case engineInfo = "engine_info"
    /// A `/containers/{id}/json` snapshot, credentials redacted.
    case inspect
    /// The last log lines of a container that died, or why they could not be read.
    case logTail = "log_tail"
    /// Facts of the engine's host read by the recorder when it recorded a failure (owner and mode of bind-mount
    /// sources, who held a port), so that a diagnosis shows what was true then: payload ``EventRecord/HostFacts``.
    case hostFacts = "host_facts"
    /// A start or restart that failed, read from inspect (`State.Error`, or `FinishedAt` moved without a `start`): a
    /// new container stays `created`, one that ran before keeps its last state; the engine sends no event for it.
    case startFailure = "start_failure"
    /// A kernel OOM kill in the container's memory cgroup: its OOM-kill counter rose between two readings, whether or
    /// not the engine announced an `oom` (payload ``EventRecord/KernelOOM``: the counters before and after and the
    /// cgroup file they came from). The engine sends no event for it.
    case kernelOOM = "kernel_oom"
    /// A resource of a running container near its limit for consecutive samples, or out of it again: the working
    /// set near `--memory`, CPU throttled under `--cpus`, tasks near `--pids-limit`, a filesystem the container writes
    /// (its root or a read-write mount) nearly full (payload ``EventRecord/Pressure``: `phase` `start` or `end`, the
    /// value, the limit, the window and the source). The engine sends no event for it.
    case memoryPressure = "memory_pressure"
    case cpuPressure = "cpu_pressure"
    case pidsPressure = "pids_pressure"
    case diskPressure = "disk_pressure"
    /// A burst of error lines in a running container's logs, or its end (payload ``EventRecord/ErrorBurst``: the
    /// phase, how many error lines within what window, the lines, redacted, and the most informative one).
    case errorBurst = "error_burst"
    /// The recorder started / stopped: the store is blind outside these.
    case recorderStart = "recorder_start"
    case recorderStop = "recorder_stop"
    /// The recorder lost the engine (stream ended, engine unreachable): payload `address`, `reason`.
    case recorderDisconnected = "recorder_disconnected"
    /// The recorder reached the engine again after ``recorderDisconnected``: payload `address`.
    case recorderReconnected = "recorder_reconnected"
    /// A window in which the store may miss what happened: payload `from_ns`, `until_ns` (Unix nanoseconds),
    /// `reason` (`disconnected`, `recorder_down`, `write_buffer_overflow`, …) and, when known, `dropped` (events lost).
    case recorderGap = "recorder_gap"
    /// An `/events` line that could not be decoded (malformed JSON, over the size bound, invalid UTF-8, wrong field
    /// types), kept for inspection: payload `kind` and `reason` (why), `bytes` (its length) and `raw` (its first 64 KiB, invalid UTF-8 replaced).
    case rejectedLine = "rejected_line"
    /// A container that a start-up or reconnect scan found exited while the store last saw it running: its `die`
    /// was never received (the engine or the recorder was down, or the engine dropped the event).
    case reconciledExit = "reconciled_exit"
    /// Found by a scan, never announced by the engine: a container created, started (again), restarted by its
    /// restart policy (`missed_restarts` = how much `RestartCount` grew) or removed while nobody was listening.
    /// Every `reconciled_*` payload carries what inspect showed (or, for a removal, the last known state).
    case reconciledCreate = "reconciled_create"
    case reconciledStart = "reconciled_start"
    case reconciledRestart = "reconciled_restart"
    case reconciledRemove = "reconciled_remove"

    /// Rows that a reconciliation scan wrote, never announced by the engine (`reconciled_*`).
    public var isReconciled: Bool { rawValue.hasPrefix("reconciled_") }

    /// The recorder's warnings about a container that runs on: the pressure rows and `error_burst`.
    public var isWarning: Bool { pressureResource != nil || self == .errorBurst }

    /// The resource of a pressure row (`memory_pressure`, `cpu_pressure`, `pids_pressure`, `disk_pressure`); nil for
    /// other kinds.
    public var pressureResource: EventRecord.Pressure.Resource? {
        EventRecord.Pressure.Resource.allCases.first { $0.eventKind == self }
    }
}
