import ArgumentParser
import BlackboxStore
import DockerEngine
import Foundation

struct TimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "One merged, time-ordered story of a container or a compose project.",
        discussion: """
            Lifecycle events, start failures, health changes, exits found by reconciliation, incidents opened and \
            resolved, the recorder's blind windows, and notable samples (each run's peak memory, the memory limit \
            reached, CPU throttling). For a compose project every service is interleaved and labelled.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("A container: a name (all containers that had it) or an id prefix.", valueName: "container"))
    var container: String?

    @Option(help: ArgumentHelp("Every container of this compose project instead.", valueName: "project"))
    var project: String?

    @Option(help: ArgumentHelp("With --project: only this service.", valueName: "service"))
    var service: String?

    @Option(help: ArgumentHelp(TimeArgument.help, valueName: "time"))
    var since: TimeArgument?

    @Option(help: ArgumentHelp(TimeArgument.help, valueName: "time"))
    var until: TimeArgument?

    func validate() throws {
        if (container == nil) == (project == nil) { throw ValidationError("name a container, or --project (not both)") }
        if service != nil && project == nil { throw ValidationError("--service needs --project") }
    }

    func run() throws {
        let store = try store.openForReading()
        let containers = Dictionary(try store.containers().map { ($0.containerID, $0) }, uniquingKeysWith: { $1 })
        let ids: [String]
        if let container {
            ids = try StoreOptions.containerIDs(container, in: store)
        } else {
            let project = project ?? ""
            ids = try store.containerIDs(project: project).filter { service == nil || containers[$0]?.composeService == service }
            guard !ids.isEmpty else {
                throw CLIError("no recorded container belongs to the compose project '\(project)'\(service.map { " with the service '\($0)'" } ?? "")")
            }
        }
        let range = (since: since?.unixNanos, until: until?.unixNanos)
        let now = Timestamp.nowNanos()
        let timeline = try Timeline.load(
            containerIDs: ids, since: range.since, until: range.until, memoryLimits: containers.compactMapValues(\.memoryLimitBytes), from: store,
            now: now)
        let entries = timeline.entries().filter { entry in
            entry.timeNanos >= (range.since ?? .min) && entry.timeNanos <= (range.until ?? .max)
        }
        func name(_ id: String?) -> String {
            guard let id else { return "(recorder)" }
            return containers[id]?.name ?? String(id.prefix(12))
        }
        if output.json {
            JSONOutput.print(
                entries.map { entry in
                    var object: [String: Any] = [
                        "ts_ns": entry.timeNanos, "time": Timestamp.rfc3339(unixNanos: entry.timeNanos), "event": entry.event, "details": entry.details,
                    ]
                    if let id = entry.containerID {
                        object["container_id"] = id
                        object["container_name"] = name(id)
                        if let service = containers[id]?.composeService { object["compose_service"] = service }
                    }
                    return object
                })
            return
        }
        let byService = project != nil
        print(
            TableRenderer.render(
                headers: ["TIME"] + (byService ? ["SERVICE"] : []) + ["CONTAINER", "EVENT", "DETAILS"],
                rows: entries.map { entry in
                    let service = entry.containerID.flatMap { containers[$0]?.composeService } ?? "-"
                    return [Timestamp.rfc3339(unixNanos: entry.timeNanos)] + (byService ? [service] : []) + [name(entry.containerID), entry.event, entry.details]
                }))
    }
}
