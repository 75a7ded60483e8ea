import BlackboxCore
import ArgumentParser
import BlackboxStore
import DockerEngine
import Foundation
import Playbooks

struct IncidentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "List incidents: open ones and those seen in the last 24 hours (--all for every one), newest first."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("Only incidents seen since then. " + TimeArgument.help, valueName: "time"))
    var since: TimeArgument?

    @Flag(help: "Every recorded incident, resolved ones included.")
    var all = false

    @OptionGroup var compose: ComposeFilterOptions

    func run() throws {
        let store = try store.openForReading()
        let now = Timestamp.nowNanos()
        let dayAgo = now - 86_400_000_000_000
        var incidents = try store.incidents(since: since?.unixNanos, project: compose.project).filter { incident in
            (all || since != nil || incident.status(now: now, policy: store.incidentPolicy) == .open || incident.lastNanos >= dayAgo)
                && compose.matches(project: incident.composeProject, service: incident.composeService)
        }
        if compose.isActive {
            // Grouped by service, newest first within each (the fetch order; the sort is stable).
            incidents = incidents.enumerated().sorted { ($0.element.composeService ?? "", $0.offset) < ($1.element.composeService ?? "", $1.offset) }.map(\.element)
        }
        let best = try store.bestMatches()
        if output.json {
            JSONOutput.print(incidents.map { IncidentJSON.summary($0, best: best[$0.id ?? 0], now: now, policy: store.incidentPolicy) })
            return
        }
        let headers = ["ID", "CONTAINER", "OPENED", "LAST SEEN", "OCCURRENCES", "STATUS", "PLAYBOOK"]
        print(
            TableRenderer.render(
                headers: (compose.isActive ? ["SERVICE"] : []) + headers,
                rows: incidents.map { incident in
                    (compose.isActive ? [ComposeFilterOptions.label(project: incident.composeProject, service: incident.composeService)] : []) + [
                        String(incident.id ?? 0), IncidentJSON.containerLabel(incident), Units.ago(incident.openedNanos, now: now),
                        Units.ago(incident.lastNanos, now: now), String(incident.occurrences), incident.status(now: now, policy: store.incidentPolicy).rawValue,
                        best[incident.id ?? 0]?.playbookID ?? "no playbook matched",
                    ]
                }))
    }
}

/// Incident fields as JSON and labels, shared by `incidents` and `incident show`.
enum IncidentJSON {
    /// `web` or `web (shop/api)` for a compose service.
    static func containerLabel(_ incident: IncidentState) -> String {
        let name = incident.containerName ?? String(incident.containerID.prefix(12))
        guard let service = incident.composeService else { return name }
        return "\(name) (\(incident.composeProject.map { "\($0)/" } ?? "")\(service))"
    }

    static func summary(_ incident: IncidentState, best: PlaybookMatchRecord?, now: Int64, policy: IncidentPolicy) -> [String: Any] {
        var object: [String: Any] = [
            "id": incident.id ?? 0, "container_id": incident.containerID, "trigger": incident.trigger, "triggers": incident.triggerKinds,
            "opened_ns": incident.openedNanos, "last_ns": incident.lastNanos, "occurrences": incident.occurrences,
            "status": incident.status(now: now, policy: policy).rawValue, "event_seqs": incident.seqs,
        ]
        let optional: [(String, Any?)] = [
            ("container_name", incident.containerName), ("image", incident.image), ("compose_project", incident.composeProject),
            ("compose_service", incident.composeService), ("exit_code", incident.exitCode), ("resolved_ns", incident.resolvedNanos),
            ("resolution", incident.resolution), ("playbook", best?.playbookID),
        ]
        for (key, value) in optional { if let value { object[key] = value } }
        return object
    }

    /// `incident show --json`'s `compose` object.
    static func compose(_ compose: ComposeContext) -> [String: Any] {
        [
            "project": compose.project, "service": compose.service, "config_files": compose.configFiles, "depends_on": compose.dependsOn,
            "depends_on_source": compose.dependenciesSource,
            "preceded_by": compose.precedingIncidents.map { dependency -> [String: Any] in
                [
                    "incident": dependency.id ?? 0, "service": dependency.composeService ?? "", "triggers": dependency.triggerKinds,
                    "last_ns": dependency.lastNanos,
                ]
            },
        ]
    }
}
