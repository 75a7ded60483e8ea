import BlackboxCore
import ArgumentParser
import BlackboxStore
import BlackboxViews
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
            JSONOutput.print(incidents.map { IncidentSummaryView($0, best: best[$0.id ?? 0], now: now, policy: store.incidentPolicy) })
            return
        }
        let headers = ["ID", "CONTAINER", "OPENED", "LAST SEEN", "OCCURRENCES", "STATUS", "PLAYBOOK"]
        print(
            TableRenderer.render(
                headers: (compose.isActive ? ["SERVICE"] : []) + headers,
                rows: incidents.map { incident in
                    (compose.isActive ? [ComposeFilterOptions.label(project: incident.composeProject, service: incident.composeService)] : []) + [
                        String(incident.id ?? 0), IncidentText.containerLabel(incident), Units.ago(incident.openedNanos, now: now),
                        Units.ago(incident.lastNanos, now: now), String(incident.occurrences), incident.status(now: now, policy: store.incidentPolicy).rawValue,
                        best[incident.id ?? 0]?.playbookID ?? "no playbook matched",
                    ]
                }))
    }
}

/// How an incident's container is named in text, shared by `incidents`, `incident show` and `replay`.
enum IncidentText {
    /// `web` or `web (shop/api)` for a compose service.
    static func containerLabel(_ incident: IncidentState) -> String {
        let name = incident.containerName ?? String(incident.containerID.prefix(12))
        guard let service = incident.composeService else { return name }
        return "\(name) (\(incident.composeProject.map { "\($0)/" } ?? "")\(service))"
    }
}
