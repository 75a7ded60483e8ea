import BlackboxCore
import BlackboxStore
import DockerEngine

/// A container as the store last recorded it (`ps --json`), with its latest resource sample.
public struct ContainerView: Codable, Sendable, Equatable {
    public var containerID: String
    public var name: String?
    public var image: String?
    public var composeProject: String?
    public var composeService: String?
    /// `created`, `running`, `paused`, `restarting`, `exited`, `dead` or `removed` (the Engine API's `State.Status`,
    /// `removed` once the container is destroyed).
    public var status: String
    /// `healthy`, `unhealthy` or `starting` (`State.Health.Status`), when it has a health check.
    public var health: String?
    public var exitCode: Int?
    public var oomKilled: Bool
    /// The last start failure the recorder recorded (`State.Error`).
    public var error: String?
    public var restartCount: Int
    /// `HostConfig.Memory`, bytes; nil when unlimited.
    public var memoryLimitBytes: Int64?
    /// CPUs (`HostConfig.NanoCpus` / 1e9, or the CFS quota over its period); nil when unlimited.
    public var cpuLimit: Double?
    /// Unix nanoseconds.
    public var createdNanos: Int64?
    public var startedNanos: Int64?
    public var finishedNanos: Int64?
    /// The latest sample's memory usage and working set, bytes, and its time, Unix nanoseconds.
    public var memoryUsageBytes: Int64?
    public var memoryWorkingSetBytes: Int64?
    public var sampleNanos: Int64?

    enum CodingKeys: String, CodingKey {
        case name, image, status, health, error
        case containerID = "container_id"
        case composeProject = "compose_project"
        case composeService = "compose_service"
        case exitCode = "exit_code"
        case oomKilled = "oom_killed"
        case restartCount = "restart_count"
        case memoryLimitBytes = "mem_limit_bytes"
        case cpuLimit = "cpu_limit"
        case createdNanos = "created_ns"
        case startedNanos = "started_ns"
        case finishedNanos = "finished_ns"
        case memoryUsageBytes = "mem_usage_bytes"
        case memoryWorkingSetBytes = "mem_working_set_bytes"
        case sampleNanos = "sample_ts_ns"
    }

    public init(_ container: ContainerState, sample: ResourceSample?) {
        containerID = container.containerID
        name = container.name
        image = container.image
        composeProject = container.composeProject
        composeService = container.composeService
        status = container.status
        health = container.health
        exitCode = container.exitCode
        oomKilled = container.oomKilled
        error = container.error
        restartCount = container.restartCount
        memoryLimitBytes = container.memoryLimitBytes
        cpuLimit = container.cpuLimit
        createdNanos = container.createdNanos
        startedNanos = container.startedNanos
        finishedNanos = container.finishedNanos
        memoryUsageBytes = sample?.memoryUsageBytes
        memoryWorkingSetBytes = sample?.memoryWorkingSetBytes
        sampleNanos = sample?.timeNanos
    }

    /// The status as `docker ps` words it: `Up 5 minutes (unhealthy)`, `Exited (137) 2 minutes ago`, `Created, start
    /// failed`. `now`: Unix nanoseconds.
    public func statusText(now: Int64) -> String {
        switch status {
        case "running":
            let health = health.map { " (\($0))" } ?? ""
            return "Up " + (startedNanos.map { Units.elapsed(since: $0, now: now) } ?? "") + health
        case "exited":
            let code = exitCode.map { " (\($0))" } ?? ""
            return "Exited\(code)" + (finishedNanos.map { " " + Units.ago($0, now: now) } ?? "")
        case "created":
            return error == nil ? "Created" : "Created, start failed"
        default:
            return status.prefix(1).uppercased() + status.dropFirst()
        }
    }
}
