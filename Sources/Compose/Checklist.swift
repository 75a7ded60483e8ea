import BlackboxCore
import BlackboxStore
import DockerEngine

/// The pre-deployment checklist: a compose project measured against the store's history of the same project and
/// against this host.
///
/// Checks: the files themselves, variables and literal credentials, memory and CPU limits against measured use and
/// OOM kills, published host ports, bind-mount sources, state paths outside volumes, `depends_on` and the start order,
/// graceful shutdown, and restart policies on services with a restart loop. History comes from `store` (samples and
/// incidents of containers labelled with the project and service); a service without history is said so once.
public struct Checklist {
    public var project: ComposeProject
    /// nil when there is no store: every history-based check is then skipped, and said so.
    public var store: EventStore?
    /// Who holds a host port (a running container in the store; a process in this host's `/proc`).
    public var lookups: any PortLookups
    /// Whether blackbox runs on the engine's host, so that host paths and listening processes are the engine's.
    public var onEngineHost: Bool
    /// The history window for baselines, nanoseconds (default 7 days).
    public var windowNanos: Int64
    /// Now, Unix nanoseconds.
    public var now: Int64
    /// Owner and mode of a host path (``HostPath/read(_:)`` unless a test names another root).
    public var pathFacts: @Sendable (String) -> HostPath?

    /// The headroom a memory limit must leave above the measured baseline: 200 MiB.
    public static let memoryHeadroomBytes: Int64 = 200 * 1_048_576
    public static let defaultWindowNanos: Int64 = 7 * 86_400_000_000_000

    public init(
        project: ComposeProject, store: EventStore?, lookups: any PortLookups, onEngineHost: Bool, windowNanos: Int64 = Checklist.defaultWindowNanos,
        now: Int64, pathFacts: @escaping @Sendable (String) -> HostPath? = HostPath.read
    ) {
        self.project = project
        self.store = store
        self.lookups = lookups
        self.onEngineHost = onEngineHost
        self.windowNanos = windowNanos
        self.now = now
        self.pathFacts = pathFacts
    }

    /// Every finding, ordered by file and line (project-wide findings first), then severity.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func run() throws -> [Finding] {
        var findings = project.problems.map { Finding(.error, "compose-file", service: nil, at: $0.location, $0.message) }
        findings += variableFindings()
        findings += try portFindings()
        findings += dependencyFindings()
        findings += try hostMemoryFindings()
        for service in project.services {
            findings += credentialFindings(service)
            findings += mountFindings(service)
            findings += statePathFindings(service)
            findings += shellFormFindings(service)
            if let history = try history(of: service) {
                findings += memoryFindings(service, history)
                findings += cpuFindings(service, history)
                findings += shutdownFindings(service, history)
                findings += restartFindings(service, history)
                findings += readOnlyWriteFindings(service, history)
            } else {
                findings.append(noHistory(service))
            }
        }
        // Compose files in merge order, then the files they name (`env_file`).
        let order = Dictionary(project.files.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let severity = Dictionary(uniqueKeysWithValues: Finding.Severity.allCases.enumerated().map { ($1, $0) })
        return findings.enumerated().sorted { a, b in
            let left = (order[a.element.location.file] ?? order.count, a.element.location.line, severity[a.element.severity] ?? 0, a.offset)
            let right = (order[b.element.location.file] ?? order.count, b.element.location.line, severity[b.element.severity] ?? 0, b.offset)
            return left < right
        }.map(\.element)
    }

    /// What the store holds of a service: its samples in the window and its incidents. nil when it holds no container of it.
    struct ServiceHistory {
        var usage: ServiceUsage?
        var incidents: [IncidentState]
        /// The playbooks that matched each incident, by incident id.
        var matches: [Int64: [PlaybookMatchRecord]]

        /// The service's incidents that `playbook` matched, newest first, with that match.
        func incidents(matching playbook: String) -> [(incident: IncidentState, match: PlaybookMatchRecord)] {
            incidents.compactMap { incident in
                matches[incident.id ?? 0]?.first { $0.playbookID == playbook }.map { (incident, $0) }
            }
        }
    }

    func history(of service: ComposeService) throws -> ServiceHistory? {
        guard let store, try !store.containerIDs(project: project.name, service: service.name).isEmpty else { return nil }
        let incidents = try store.incidents(project: project.name, service: service.name)
        var matches: [Int64: [PlaybookMatchRecord]] = [:]
        for incident in incidents {
            guard let id = incident.id else { continue }
            matches[id] = try store.matches(incidentID: id)
        }
        return ServiceHistory(
            usage: try store.serviceUsage(project: project.name, service: service.name, since: now - windowNanos, until: now), incidents: incidents,
            matches: matches)
    }

    private func noHistory(_ service: ComposeService) -> Finding {
        let reason =
            store == nil
            ? "there is no blackbox store"
            : "the store has recorded no container of project \(project.name), service \(service.name)"
        return Finding(
            .info, "history", service: service.name, at: service.location,
            "\(service.name): no history to measure against (\(reason)): the memory, CPU, OOM, shutdown and restart checks were skipped",
            fix: "run `blackbox record` while the stack runs, then check again")
    }

    /// `window` as written in findings: `7d`, `12h`, `30m`.
    var windowText: String {
        let seconds = windowNanos / 1_000_000_000
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    /// `incident 3 (2026-11-29T10:57:06.186Z)`.
    static func cite(_ incident: IncidentState) -> String {
        "incident \(incident.id ?? 0) (\(Timestamp.rfc3339(unixNanos: incident.lastNanos)))"
    }
}
