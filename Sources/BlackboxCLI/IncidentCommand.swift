import ArgumentParser
import BlackboxStore
import DockerEngine
import Foundation
import Playbooks

struct IncidentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "Look at one incident.",
        subcommands: [IncidentShowCommand.self],
        defaultSubcommand: IncidentShowCommand.self
    )
}

struct IncidentShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Explain an incident: what happened, the evidence, the diagnosis and the fix."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("An incident id, or a container name or id prefix (its latest incident).", valueName: "id|container"))
    var target: String

    func run() throws {
        let store = try store.openForReading()
        let incident = try resolve(in: store)
        let context = try IncidentContext.load(incident, from: store, lookups: HostLookups(store: store))
        let matches = try store.matches(incidentID: incident.id ?? 0)
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        if output.json {
            var object = IncidentJSON.summary(incident, best: matches.first, now: now, policy: store.incidentPolicy)
            object["matches"] = matches.map { match -> [String: Any] in
                [
                    "rank": match.rank, "playbook": match.playbookID, "title": match.title, "severity": match.severity,
                    "diagnosis": match.diagnosis, "fix": match.fix, "evidence": JSONOutput.embedded(match.evidence),
                ]
            }
            object["log_tail"] = context.logLines.map { ["stream": $0.stream.rawValue, "text": $0.text, "time_ns": $0.timeNanos ?? 0] }
            object["events"] = context.events.map { EventDescription.json($0, names: [:]) }
            if let compose = context.compose { object["compose"] = IncidentJSON.compose(compose) }
            JSONOutput.print([object])
            return
        }
        print(IncidentReport(incident: incident, matches: matches, context: context, policy: store.incidentPolicy, now: now).render())
    }

    private func resolve(in store: EventStore) throws -> IncidentState {
        if let id = Int64(target), let incident = try store.incident(id) { return incident }
        let ids: [String]
        do {
            ids = try StoreOptions.containerIDs(target, in: store)
        } catch let error as CLIError where Int64(target) != nil {
            throw CLIError("there is no incident \(target) (`blackbox incidents --all` lists them), and \(error.message)")
        }
        guard let incident = try store.latestIncident(containerIDs: ids) else {
            throw CLIError("\(target) has no incident: blackbox recorded no failure of it")
        }
        return incident
    }
}
