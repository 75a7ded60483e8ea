/// What opens an incident or adds an occurrence to it (`incidents.trigger`, `incidents.triggers`).
public enum IncidentTrigger: String, Sendable, CaseIterable, Codable {
    /// A `die` with a non-zero exit code the container was not asked for.
    case die
    /// An `oom` event: the kernel's OOM killer killed a process of the container.
    case oom
    /// A start the engine refused (`State.Error`), seen by inspect: the engine sends no event for it.
    case startFailure = "start_failure"
    /// `health_status: unhealthy`.
    case unhealthy
    /// A `die` after a stop that had to escalate from SIGTERM to SIGKILL.
    case stopTimeout = "stop_timeout"
    /// A non-zero exit or missed restarts found by a scan, with no `die` received.
    case reconciled
    /// A resource of a running container under pressure (a `memory_pressure`, `cpu_pressure`, `pids_pressure` or
    /// `disk_pressure` row with phase `start`): a warning, with no `die`.
    case memoryPressure = "memory_pressure"
    case cpuPressure = "cpu_pressure"
    case pidsPressure = "pids_pressure"
    case diskPressure = "disk_pressure"
    /// A burst of error lines in a running container's logs (an `error_burst` row with phase `start`): a warning.
    case errorBurst = "error_burst"

    /// Whether the container runs on through it (a pressure or an error burst): a warning, not a failure.
    public var isWarning: Bool { self == .errorBurst || EventRecord.Pressure.Resource.allCases.contains { $0.trigger == self } }
}

/// How an incident ended (`incidents.resolution`).
public enum IncidentResolution: String, Sendable, CaseIterable, Codable {
    /// The container was removed.
    case removed
    /// The container ran (and, with a health check, was healthy) for the policy's window.
    case ranStable = "ran_stable"
    /// A pressure incident that a failure of the container (a `die`, an `oom`, …) ended: the failure is an incident
    /// of its own, whose evidence holds the pressure rows.
    case superseded
}

/// An incident's state at a moment: ``IncidentState/status(now:policy:)``.
public enum IncidentStatus: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case open, resolved

    public var description: String { rawValue }
}
