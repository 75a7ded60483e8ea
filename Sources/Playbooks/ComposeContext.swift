import BlackboxCore
import BlackboxStore
import Compose
import Foundation

/// A compose service's context for an incident: where it is defined, what it depends on, and the incidents of its
/// dependencies just before this one ("api died 2 s after db was OOM-killed").
public struct ComposeContext: Sendable {
    public var project: String
    public var service: String
    /// `com.docker.compose.project.config_files`, made absolute against `com.docker.compose.project.working_dir`.
    public var configFiles: [String]
    /// The services it depends on.
    public var dependsOn: [String]
    /// Where a fix to the service's `depends_on` goes, as `FILE:LINE`: the `depends_on` key of the service in the
    /// last compose file that writes one, else the service's key in the first file that defines it; nil when the files cannot be read
    /// (the recorder is not on the compose project's host).
    public var dependsOnLocation: String?
    /// Where ``dependsOn`` came from: `label` (`com.docker.compose.depends_on`, set by compose v2), `compose file`
    /// (read from ``configFiles``: compose v1 sets no such label), or `unknown`.
    public var dependenciesSource: String
    /// Incidents of the dependencies whose latest trigger was at most ``linkWindowNanos`` before this incident opened,
    /// nearest first.
    public var precedingIncidents: [IncidentState]
    /// Each dependency as it was when this incident opened (its first failure), in `dependsOn` order.
    public var dependencies: [DependencyState] = []
    /// Incidents of services that depend on this one and failed while it was failing or at most ``linkWindowNanos``
    /// after its latest trigger, oldest first: the other side of ``precedingIncidents``.
    public var followingIncidents: [IncidentState] = []

    /// How far back a dependency's incident is linked to this one: 60 s.
    public static let linkWindowNanos: Int64 = 60_000_000_000

    /// The context from the compose labels of the incident's inspect snapshot; nil when it has none.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    static func load(_ incident: IncidentState, inspect: JSONValue?, from store: EventStore) throws -> ComposeContext? {
        guard case .object(let labels)? = inspect?[path: "Config.Labels"],
            let project = labels["com.docker.compose.project"]?.stringValue, let service = labels["com.docker.compose.service"]?.stringValue
        else { return nil }
        let directory = labels["com.docker.compose.project.working_dir"]?.stringValue ?? ""
        let files = (labels["com.docker.compose.project.config_files"]?.stringValue ?? "").split(separator: ",").map { file in
            file.hasPrefix("/") || directory.isEmpty ? String(file) : directory + "/" + file
        }
        let parsed = parsedProject(project, files: files, directory: directory)
        var dependsOn: [String] = []
        var conditions: [String: String] = [:]
        var source = "unknown"
        if let label = labels["com.docker.compose.depends_on"]?.stringValue {
            // `db:service_healthy:false,cache:service_started:true`
            for entry in label.split(separator: ",") {
                let parts = entry.split(separator: ":").map(String.init)
                guard let name = parts.first else { continue }
                dependsOn.append(name)
                if parts.count > 1 { conditions[name] = parts[1] }
            }
            source = "label"
        } else if let parsed {
            dependsOn = parsed.service(service)?.dependsOn.map(\.service) ?? []
            source = "compose file"
        }
        var preceding: [IncidentState] = []
        for dependency in dependsOn {
            preceding += try store.incidents(project: project, service: dependency).filter {
                $0.lastNanos <= incident.openedNanos && incident.openedNanos - $0.lastNanos <= linkWindowNanos
            }
        }
        let states = try dependsOn.map {
            try DependencyState.read(project: project, service: $0, condition: conditions[$0], atNanos: incident.openedNanos, from: store)
        }
        var following: [IncidentState] = []
        for other in try store.incidents(since: incident.openedNanos, project: project)
        where other.composeService != service && other.openedNanos >= incident.openedNanos
            && other.openedNanos - incident.lastNanos <= linkWindowNanos
        {
            guard let otherService = other.composeService else { continue }
            if try Self.dependsOn(otherService, on: service, incident: other, parsed: parsed, store: store) { following.append(other) }
        }
        var context = ComposeContext(
            project: project, service: service, configFiles: files, dependsOn: dependsOn, dependenciesSource: source,
            precedingIncidents: preceding.sorted { $0.lastNanos > $1.lastNanos }, dependencies: states,
            followingIncidents: following.sorted { $0.openedNanos < $1.openedNanos })
        context.dependsOnLocation = parsed?.service(service).map { ($0.dependsOnKey ?? $0.location).description }
        return context
    }

    /// The project as the compose parser reads its files (``ComposeLoader``, with the project directory's `.env` and
    /// no shell environment: the one compose ran with is not known); nil when none of the files is on this host.
    static func parsedProject(_ name: String, files: [String], directory: String) -> ComposeProject? {
        let present = files.filter { FileManager.default.fileExists(atPath: $0) }
        guard !present.isEmpty else { return nil }
        return try? ComposeLoader.load(files: present, projectName: name, environment: [:], workingDirectory: directory.isEmpty ? "/" : directory)
    }

    /// Whether `dependant` (whose `incident` is given) depends on `service`: by its snapshot's
    /// `com.docker.compose.depends_on` label, else by the compose files.
    private static func dependsOn(_ dependant: String, on service: String, incident: IncidentState, parsed: ComposeProject?, store: EventStore) throws -> Bool {
        let snapshots = try store.events(
            EventFilter(containerIDs: [incident.containerID], since: incident.openedNanos - 600_000_000_000, until: incident.lastNanos))
        if let label = snapshots.last(where: { $0.kind == .inspect }).flatMap({ JSONValue.parse($0.payload) })?[
            path: "Config.Labels"
        ].flatMap({ labels -> String? in
            if case .object(let values) = labels { return values["com.docker.compose.depends_on"]?.stringValue }
            return nil
        }) {
            return label.split(separator: ",").contains { $0.split(separator: ":").first.map(String.init) == service }
        }
        return parsed?.service(dependant)?.dependsOn.contains { $0.service == service } ?? false
    }
}
