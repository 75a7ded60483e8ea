import ArgumentParser
import BlackboxStore
import BlackboxViews
import DockerEngine
import Foundation

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Show the recorded event log, oldest first: engine events and the recorder's observations."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var compose: ComposeFilterOptions

    @Option(help: ArgumentHelp("Only this container: a name (all containers that had it) or an id prefix.", valueName: "name"))
    var container: String?

    @Option(help: ArgumentHelp(TimeArgument.help, valueName: "time"))
    var since: TimeArgument?

    @Option(help: ArgumentHelp(TimeArgument.help, valueName: "time"))
    var until: TimeArgument?

    @Option(help: ArgumentHelp("Only engine events of this Type; container includes the recorder's observations.", valueName: "type"))
    var type: EngineEventType?

    @Option(help: ArgumentHelp("At most this many, the newest.", valueName: "n"))
    var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let store = try store.openForReading()
        var filter = EventFilter(since: since?.unixNanos, until: until?.unixNanos, type: type?.rawValue, limit: limit)
        if let container {
            filter.containerIDs = try StoreOptions.containerIDs(container, in: store)
        }
        if let ids = try compose.containerIDs(in: store) {
            filter.containerIDs = filter.containerIDs.map { named in named.filter(ids.contains) } ?? ids
        }
        let events = try store.events(filter)
        let names = Dictionary(try store.containers().map { ($0.containerID, $0.name ?? "") }, uniquingKeysWith: { $1 })
        if output.json {
            JSONOutput.print(events.map { EventView($0, names: names) })
        } else {
            print(
                TableRenderer.render(
                    headers: ["TIME", "CONTAINER", "EVENT", "DETAILS"],
                    rows: events.map { event in
                        [
                            Timestamp.rfc3339(unixNanos: event.timeNanos), EventDescription.containerName(event, names: names),
                            EventDescription.title(event), EventDescription.details(event, among: events),
                        ]
                    }))
        }
    }
}
