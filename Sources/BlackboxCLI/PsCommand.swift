import BlackboxCore
import ArgumentParser
import BlackboxStore
import DockerEngine
import Foundation

struct PsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ps",
        abstract: "List containers as last recorded (running ones; --all for every recorded container)."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var compose: ComposeFilterOptions

    @Flag(name: .shortAndLong, help: "Show all recorded containers: exited, created, removed too.")
    var all = false

    func run() throws {
        let store = try store.openForReading()
        let active: Set<String> = ["running", "restarting", "paused"]
        let containers = try store.containers().filter {
            (all || active.contains($0.status)) && compose.matches(project: $0.composeProject, service: $0.composeService)
        }
        // With --project/--service the rows are grouped by service: a service's containers across recreations together.
        let ordered = compose.isActive ? containers.sorted { ($0.composeService ?? "", $0.createdNanos ?? 0) < ($1.composeService ?? "", $1.createdNanos ?? 0) } : containers
        let samples = try store.latestSamples()
        let now = Timestamp.nowNanos()
        if output.json {
            JSONOutput.print(ordered.map { json($0, sample: samples[$0.containerID]) })
            return
        }
        let rows = ordered.map { container -> [String] in
            let sample = container.status == "running" ? samples[container.containerID] : nil
            let memory = sample.map { "\(Units.bytes($0.memoryUsageBytes)) / \(Units.bytes($0.memoryLimitBytes))" } ?? "-"
            let service = compose.isActive ? [ComposeFilterOptions.label(project: container.composeProject, service: container.composeService)] : []
            return service + [
                String(container.containerID.prefix(12)), container.name ?? "-", container.image ?? "-", status(container, now: now),
                container.exitCode.map(String.init) ?? "-", container.oomKilled ? "true" : "false", String(container.restartCount), memory,
            ]
        }
        let headers = ["CONTAINER ID", "NAME", "IMAGE", "STATUS", "EXIT CODE", "OOMKILLED", "RESTARTS", "MEM USAGE / LIMIT"]
        print(TableRenderer.render(headers: (compose.isActive ? ["SERVICE"] : []) + headers, rows: rows))
        if RecorderLock.isHeld(storePath: store.path) == false {
            let last = try store.latestEngineEventTime().map { " (last engine event \(Units.ago($0, now: now)))" } ?? ""
            FileHandle.standardError.write(Data("note: no `blackbox record` is running on this store: this is the state it last recorded\(last)\n".utf8))
        }
    }

    /// Status as `docker ps` words it: `Up 5 minutes (unhealthy)`, `Exited (137) 2 minutes ago`.
    private func status(_ container: ContainerState, now: Int64) -> String {
        switch container.status {
        case "running":
            let health = container.health.map { " (\($0))" } ?? ""
            return "Up " + (container.startedNanos.map { Units.elapsed(since: $0, now: now) } ?? "") + health
        case "exited":
            let code = container.exitCode.map { " (\($0))" } ?? ""
            return "Exited\(code)" + (container.finishedNanos.map { " " + Units.ago($0, now: now) } ?? "")
        case "created":
            return container.error == nil ? "Created" : "Created, start failed"
        default:
            return container.status.prefix(1).uppercased() + container.status.dropFirst()
        }
    }

    private func json(_ container: ContainerState, sample: SampleRecord?) -> [String: Any] {
        var object: [String: Any] = [
            "container_id": container.containerID, "status": container.status, "oom_killed": container.oomKilled,
            "restart_count": container.restartCount,
        ]
        let optional: [(String, Any?)] = [
            ("name", container.name), ("image", container.image), ("compose_project", container.composeProject),
            ("compose_service", container.composeService), ("health", container.health), ("exit_code", container.exitCode),
            ("error", container.error), ("mem_limit_bytes", container.memoryLimitBytes), ("cpu_limit", container.cpuLimit),
            ("created_ns", container.createdNanos), ("started_ns", container.startedNanos), ("finished_ns", container.finishedNanos),
            ("mem_usage_bytes", sample?.memoryUsageBytes), ("mem_working_set_bytes", sample?.memoryWorkingSetBytes),
            ("sample_ts_ns", sample?.timeNanos),
        ]
        for (key, value) in optional { if let value { object[key] = value } }
        return object
    }
}
