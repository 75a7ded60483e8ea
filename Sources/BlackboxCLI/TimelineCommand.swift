import ArgumentParser
import BlackboxStore
import BlackboxViews
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
        let views = entries.map { entry in
            TimelineEntryView(
                timeNanos: entry.timeNanos, event: entry.event, details: entry.details, containerID: entry.containerID,
                containerName: entry.containerID.map { containers[$0]?.name ?? String($0.prefix(12)) },
                composeService: entry.containerID.flatMap { containers[$0]?.composeService })
        }
        if output.json {
            JSONOutput.print(views)
            return
        }
        let byService = project != nil
        print(
            TableRenderer.render(
                headers: ["TIME"] + (byService ? ["SERVICE"] : []) + ["CONTAINER", "EVENT", "DETAILS"],
                rows: views.map { view in
                    [view.time] + (byService ? [view.composeService ?? "-"] : []) + [view.containerName ?? "(recorder)", view.event, view.details]
                }))
    }
}
