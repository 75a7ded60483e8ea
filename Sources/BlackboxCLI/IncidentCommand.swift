import ArgumentParser
import BlackboxStore
import BlackboxViews
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
        let evidence = try IncidentContext.load(incident, from: store)
        let matches = try store.matches(incidentID: incident.id ?? 0)
        let occurrenceMatches = try store.occurrenceMatches(incidentID: incident.id ?? 0)
        let now = Timestamp.nowNanos()
        let report = IncidentReport(
            incident: incident, matches: matches, occurrenceMatches: occurrenceMatches, evidence: evidence, policy: store.incidentPolicy, now: now)
        if output.json {
            JSONOutput.print([
                IncidentView(
                    incident: incident, matches: matches, occurrenceMatches: occurrenceMatches, evidence: evidence, now: now, policy: store.incidentPolicy)
            ])
            return
        }
        print(report.render())
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
