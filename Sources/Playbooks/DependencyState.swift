import BlackboxCore
import BlackboxStore
import Foundation

/// A compose dependency as it was when a dependant failed: whether it ran, its health, and its incident just before.
public struct DependencyState: Sendable, Equatable {
    /// The dependency's compose service.
    public var service: String
    /// Its container then, by name; nil when the store has none of it.
    public var container: String?
    /// `running`, `exited`, `created`, or `absent` (the store holds no container of it before the failure).
    public var status: String
    /// Its health status then (`starting`, `healthy`, `unhealthy`); nil without a health check.
    public var health: String?
    /// How long before the dependant's failure it had started, nanoseconds; nil when it was not running.
    public var startedBeforeNanos: Int64?
    /// The `depends_on` condition the dependant waits for (`service_started`, `service_healthy`,
    /// `service_completed_successfully`), from the `com.docker.compose.depends_on` label; nil when unknown.
    public var condition: String?
    /// Its incident whose latest trigger was at most ``ComposeContext/linkWindowNanos`` before the failure, if any.
    public var incident: IncidentState?

    public init(
        service: String, container: String?, status: String, health: String?, startedBeforeNanos: Int64?, condition: String?, incident: IncidentState?
    ) {
        self.service = service
        self.container = container
        self.status = status
        self.health = health
        self.startedBeforeNanos = startedBeforeNanos
        self.condition = condition
        self.incident = incident
    }

    /// It failed just before, or was not ready: not running, unhealthy or still starting its health check.
    public var failed: Bool { incident != nil }
    public var ready: Bool { status == "running" && (health == nil || health == "healthy") }

    /// `exited (incident 3, oom, die, 2.0s before)`, `running, health starting, started 1.2s before`.
    public var summary: String {
        var parts = [status]
        if let health { parts.append("health \(health)") }
        if let started = startedBeforeNanos { parts.append("started \(Units.span(nanos: started)) before") }
        if let incident { parts.append("incident \(incident.id ?? 0) (\(incident.triggerKinds.joined(separator: ", ")))") }
        return parts.joined(separator: ", ")
    }

    /// The state of one dependency service at `atNanos` (Unix nanoseconds), read from the store.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    static func read(project: String, service: String, condition: String?, atNanos: Int64, from store: EventStore) throws -> DependencyState {
        let incident = try store.incidents(project: project, service: service).first {
            $0.lastNanos <= atNanos && atNanos - $0.lastNanos <= ComposeContext.linkWindowNanos
        }
        let ids = try store.containerIDs(project: project, service: service)
        // Only lifecycle rows: a dependency with a health check writes an `exec_*` event a second or more.
        let events = try store.lifecycleRows(containerIDs: ids, until: atNanos)
        var status = "absent"
        var health: String?
        var started: Int64?
        var container: String?
        for event in events where event.kind == .engine && event.type == "container" {
            let action = event.action ?? ""
            container = event.containerName ?? container
            switch action {
            case "create": (status, health, started) = ("created", nil, nil)
            case "start", "restart", "unpause": (status, health, started) = ("running", health == nil ? nil : "starting", event.timeNanos)
            case "die": (status, started) = ("exited", nil)
            case "destroy": (status, health, started) = ("absent", nil, nil)
            default:
                if action.hasPrefix("health_status: ") { health = String(action.dropFirst("health_status: ".count)) }
            }
        }
        // A health check that had not answered yet: the snapshot at the start knows there is one.
        if status == "running", health == nil,
            let snapshot = events.last(where: { $0.kind == .inspect }).flatMap({ JSONValue.parse($0.payload) }),
            let state = snapshot[path: "State.Health.Status"]?.stringValue
        {
            health = state == "healthy" || state == "unhealthy" ? state : "starting"
        }
        return DependencyState(
            service: service, container: container, status: status, health: health, startedBeforeNanos: started.map { atNanos - $0 },
            condition: condition, incident: incident)
    }
}
