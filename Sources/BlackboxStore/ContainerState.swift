import DockerEngine
import Foundation
import GRDB

/// One row of the `containers` projection: the latest known state of a container.
///
/// Derived only by folding the event log in `seq` order (``apply(_:)``), so dropping the table and
/// replaying the log gives the same rows.
public struct ContainerState: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "containers"

    public var containerID: String
    public var name: String?
    public var image: String?
    public var composeProject: String?
    public var composeService: String?
    /// `created`, `running`, `paused`, `restarting`, `exited`, `dead` or `removed`.
    public var status: String
    /// `starting`, `healthy` or `unhealthy`; nil without a health check.
    public var health: String?
    public var exitCode: Int?
    public var oomKilled: Bool
    /// `State.Error` of the last recorded start failure; nil after a successful start.
    public var error: String?
    public var restartCount: Int
    /// `HostConfig.RestartPolicy.Name` of the latest inspect snapshot (`no` when empty); nil before one.
    public var restartPolicy: String?
    /// Signals of the `kill` events since the last start, in order, comma-separated (`15,9` for a stop that timed out).
    public var killSignals: String?
    /// Memory limit, bytes; nil when unlimited.
    public var memoryLimitBytes: Int64?
    /// CPU limit, CPUs; nil when unlimited.
    public var cpuLimit: Double?
    /// Unix nanoseconds.
    public var createdNanos: Int64?
    public var startedNanos: Int64?
    public var finishedNanos: Int64?
    /// When `status` was last set, Unix nanoseconds.
    public var stateNanos: Int64
    public var lastEventSeq: Int64

    enum CodingKeys: String, CodingKey {
        case name, image, status, health, error
        case containerID = "container_id"
        case composeProject = "compose_project"
        case composeService = "compose_service"
        case exitCode = "exit_code"
        case oomKilled = "oom_killed"
        case restartCount = "restart_count"
        case restartPolicy = "restart_policy"
        case killSignals = "kill_signals"
        case memoryLimitBytes = "mem_limit_bytes"
        case cpuLimit = "cpu_limit"
        case createdNanos = "created_ns"
        case startedNanos = "started_ns"
        case finishedNanos = "finished_ns"
        case stateNanos = "state_ns"
        case lastEventSeq = "last_event_seq"
    }

    public init(containerID: String) {
        self.containerID = containerID
        status = "created"
        oomKilled = false
        restartCount = 0
        stateNanos = 0
        lastEventSeq = 0
    }

    /// Folds one event into the state. Pure: the result depends only on the state and the event.
    public mutating func apply(_ event: EventRecord) {
        lastEventSeq = event.seq ?? lastEventSeq
        name = event.containerName ?? name
        image = event.image ?? image
        composeProject = event.composeProject ?? composeProject
        composeService = event.composeService ?? composeService
        switch event.kind {
        case .engine where event.type == "container":
            applyEngineAction(event)
        case .inspect:
            if let inspect = try? ContainerInspect.decode(Data(event.payload.utf8)) { applyInspect(inspect, at: event.timeNanos) }
        case .reconciledExit:
            if let exit = try? JSONDecoder().decode(EventRecord.ReconciledExit.self, from: Data(event.payload.utf8)), exit.restartedSince != true {
                setReconciledStatus(exit.status, at: event.timeNanos)
                exitCode = exit.exitCode ?? exitCode
                oomKilled = exit.oomKilled
                finishedNanos = exit.finishedNanos ?? finishedNanos
            }
        case .reconciledCreate, .reconciledStart, .reconciledRestart, .reconciledRemove:
            if let change = try? JSONDecoder().decode(EventRecord.ReconciledChange.self, from: Data(event.payload.utf8)) {
                applyReconciled(change, at: event.timeNanos)
            }
        case .startFailure:
            if let failure = try? JSONDecoder().decode(EventRecord.StartFailure.self, from: Data(event.payload.utf8)) {
                // A container that ran before keeps its state (`exited`); a new one stays `created`.
                setStatus(failure.status.isEmpty ? "created" : failure.status, at: event.timeNanos)
                error = failure.error
                exitCode = failure.exitCode
            }
        default:
            break
        }
    }

    private mutating func setStatus(_ newStatus: String, at time: Int64) {
        status = newStatus
        stateNanos = max(stateNanos, time)
    }

    private mutating func applyEngineAction(_ event: EventRecord) {
        let action = event.action ?? ""
        let time = event.timeNanos
        switch action {
        case "create":
            setStatus("created", at: time)
            createdNanos = time
        case "start":
            setStatus("running", at: time)
            startedNanos = time
            oomKilled = false
            error = nil
            killSignals = nil
        case "kill":
            if let signal = event.signal { killSignals = killSignals.map { "\($0),\(signal)" } ?? signal }
        case "die":
            setStatus("exited", at: time)
            exitCode = event.exitCode ?? exitCode
            finishedNanos = time
        case "oom":
            oomKilled = true
        case "pause":
            setStatus("paused", at: time)
        case "unpause":
            setStatus("running", at: time)
        case "destroy":
            setStatus("removed", at: time)
        default:
            if action.hasPrefix("health_status:") {
                health = action.dropFirst("health_status:".count).trimmingCharacters(in: .whitespaces)
            }
        }
    }

    /// A reconciled change is appended when the recorder finds it, possibly after later events of the container were
    /// folded: it sets the status only when nothing later did.
    private mutating func setReconciledStatus(_ newStatus: String, at time: Int64) {
        guard time >= stateNanos else { return }
        setStatus(newStatus, at: time)
    }

    private mutating func applyReconciled(_ change: EventRecord.ReconciledChange, at time: Int64) {
        setReconciledStatus(change.status, at: time)
        exitCode = change.exitCode ?? exitCode
        oomKilled = change.oomKilled ?? oomKilled
        createdNanos = change.createdNanos ?? createdNanos
        startedNanos = change.startedNanos ?? startedNanos
        finishedNanos = change.finishedNanos ?? finishedNanos
        restartCount = change.restartCount ?? restartCount
        if change.change == .start || change.change == .restart { killSignals = nil }
    }

    private mutating func applyInspect(_ inspect: ContainerInspect, at time: Int64) {
        name = inspect.name
        image = inspect.config.image
        restartCount = inspect.restartCount
        restartPolicy = inspect.hostConfig.restartPolicy.isEmpty ? "no" : inspect.hostConfig.restartPolicy
        memoryLimitBytes = inspect.hostConfig.memoryBytes > 0 ? inspect.hostConfig.memoryBytes : nil
        cpuLimit = inspect.hostConfig.cpuLimit
        createdNanos = inspect.createdNanos ?? createdNanos
        // An inspect answered before a later lifecycle event was folded must not undo it.
        guard time >= stateNanos, status != "removed" else { return }
        setStatus(inspect.state.status, at: time)
        health = inspect.state.healthStatus ?? health
        startedNanos = inspect.state.startedAtNanos ?? startedNanos
        finishedNanos = inspect.state.finishedAtNanos ?? finishedNanos
        if inspect.state.status != "created" || !inspect.state.error.isEmpty { exitCode = inspect.state.exitCode }
        oomKilled = inspect.state.oomKilled
        // `error` is the last *recorded* start failure (set by `start_failure` events only), so that the recorder
        // can tell a failure it has already recorded from one it has only seen in a snapshot.
        if inspect.state.error.isEmpty { error = nil }
    }
}
