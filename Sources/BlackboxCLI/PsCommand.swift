import BlackboxCore
import ArgumentParser
import BlackboxStore
import BlackboxViews
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
        let views = ordered.map { ContainerView($0, sample: samples[$0.containerID]) }
        if output.json {
            JSONOutput.print(views)
            return
        }
        let rows = zip(ordered, views).map { container, view -> [String] in
            let sample = container.status == "running" ? samples[container.containerID] : nil
            let memory = sample.map { "\(Units.bytes($0.memoryUsageBytes)) / \(Units.bytes($0.memoryLimitBytes))" } ?? "-"
            let service = compose.isActive ? [ComposeFilterOptions.label(project: view.composeProject, service: view.composeService)] : []
            return service + [
                String(view.containerID.prefix(12)), view.name ?? "-", view.image ?? "-", view.statusText(now: now),
                view.exitCode.map(String.init) ?? "-", view.oomKilled ? "true" : "false", String(view.restartCount), memory,
            ]
        }
        let headers = ["CONTAINER ID", "NAME", "IMAGE", "STATUS", "EXIT CODE", "OOMKILLED", "RESTARTS", "MEM USAGE / LIMIT"]
        print(TableRenderer.render(headers: (compose.isActive ? ["SERVICE"] : []) + headers, rows: rows))
        if RecorderLock.isHeld(storePath: store.path) == false {
            let last = try store.latestEngineEventTime().map { " (last engine event \(Units.ago($0, now: now)))" } ?? ""
            FileHandle.standardError.write(Data("note: no `blackbox record` is running on this store: this is the state it last recorded\(last)\n".utf8))
        }
    }
}
