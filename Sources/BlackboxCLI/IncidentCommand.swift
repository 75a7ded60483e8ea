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
        let evidence = try IncidentContext.load(incident, from: store)
        let matches = try store.matches(incidentID: incident.id ?? 0)
        let occurrenceMatches = try store.occurrenceMatches(incidentID: incident.id ?? 0)
        let now = Timestamp.nowNanos()
        let report = IncidentReport(
            incident: incident, matches: matches, occurrenceMatches: occurrenceMatches, evidence: evidence, policy: store.incidentPolicy, now: now)
        if output.json {
            var object = IncidentJSON.summary(incident, best: matches.first, now: now, policy: store.incidentPolicy)
            object["diagnosed_occurrence"] = report.diagnosed.occurrence
            object["matches"] = matches.map(Self.json)
            object["occurrence_diagnoses"] = evidence.occurrences.map { context -> [String: Any] in
                let summary = context.history.last
                var occurrence: [String: Any] = [
                    "occurrence": context.occurrence, "trigger": summary?.triggers.first ?? incident.trigger, "triggers": summary?.triggers ?? [],
                    "time_ns": summary?.failedNanos ?? incident.lastNanos, "matches": (occurrenceMatches[context.occurrence] ?? []).map(Self.json),
                ]
                occurrence["exit_code"] = summary?.exitCode
                occurrence["ran_for_ns"] = summary?.ranForNanos
                occurrence["playbook"] = occurrenceMatches[context.occurrence]?.first?.playbookID ?? NSNull()
                occurrence["error_line"] = ErrorLine.mostInformative(context.logLines)?.text
                return occurrence
            }
            let diagnosed = report.diagnosed
            object["log_tail"] = diagnosed.logLines.indices.map { index -> [String: Any] in
                let line = diagnosed.logLines[index]
                let redacted = diagnosed.redactedPerLine.indices.contains(index) ? diagnosed.redactedPerLine[index] : 0
                return ["stream": line.stream.rawValue, "text": line.text, "time_ns": line.timeNanos ?? 0, "redacted_values": redacted]
            }
            object["events"] = evidence.events.map { EventDescription.json($0, names: [:]) }
            if let compose = evidence.compose { object["compose"] = IncidentJSON.compose(compose) }
            JSONOutput.print([object])
            return
        }
        print(report.render())
    }

    private static func json(_ match: PlaybookMatchRecord) -> [String: Any] {
        [
            "rank": match.rank, "playbook": match.playbookID, "title": match.title, "severity": match.severity,
            "diagnosis": match.diagnosis, "fix": match.fix, "evidence": JSONOutput.embedded(match.evidence), "occurrence": match.occurrence,
        ]
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
