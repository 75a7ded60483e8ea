import BlackboxStore
import DockerEngine
import Foundation

/// The facts a playbook is matched against: an incident and what the store holds around it.
public struct IncidentContext: Sendable {
    public var incident: IncidentState
    /// The container's events from 10 minutes before the incident opened to a minute after its last trigger, in order.
    public var events: [EventRecord]
    /// The inspect snapshot at the failure: the first one after the latest trigger, else the latest before it.
    public var inspect: JSONValue?
    /// Every inspect snapshot in the window, oldest first (for health-check history).
    public var snapshots: [JSONValue]
    /// The latest log tail in the window.
    public var logLines: [LogLine]
    /// The container's samples from 30 minutes before the incident opened to its last trigger.
    public var samples: [SampleRecord]
    /// The compose project and service, their files and dependencies, when the container was part of one.
    public var compose: ComposeContext?
    public var lookups: any EvidenceLookups

    public init(
        incident: IncidentState, events: [EventRecord], inspect: JSONValue?, snapshots: [JSONValue],
        logLines: [LogLine], samples: [SampleRecord], compose: ComposeContext? = nil, lookups: any EvidenceLookups
    ) {
        self.incident = incident
        self.events = events
        self.inspect = inspect
        self.snapshots = snapshots
        self.logLines = logLines
        self.samples = samples
        self.compose = compose
        self.lookups = lookups
    }

    /// Reads the context of `incident` from the store (``load(_:from:lookups:each:)`` for one incident).
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public static func load(_ incident: IncidentState, from store: EventStore, lookups: any EvidenceLookups) throws -> IncidentContext {
        var loaded: IncidentContext?
        try load([incident], from: store, lookups: lookups) { loaded = $0 }
        guard let loaded else { preconditionFailure("load(_:from:lookups:each:) visits every incident it is given") }
        return loaded
    }

    /// The context of `incident` from its window's events and samples, read already.
    static func make(
        _ incident: IncidentState, events: [EventRecord], samples: [SampleRecord], from store: EventStore, lookups: any EvidenceLookups
    ) throws -> IncidentContext {
        let snapshots = events.filter { $0.kind == .inspect }
        let atFailure = snapshots.first { $0.timeNanos >= incident.lastNanos } ?? snapshots.last
        let tail = events.last { $0.kind == .logTail }.flatMap { try? JSONDecoder().decode(EventRecord.LogTail.self, from: Data($0.payload.utf8)) }
        let inspect = atFailure.flatMap { JSONValue.parse($0.payload) }
        return IncidentContext(
            incident: incident, events: events, inspect: inspect, snapshots: snapshots.compactMap { JSONValue.parse($0.payload) },
            logLines: tail?.lines ?? [], samples: samples, compose: try ComposeContext.load(incident, inspect: inspect, from: store), lookups: lookups)
    }

    /// The engine events of the window.
    var engineEvents: [EventRecord] { events.filter { $0.kind == .engine } }
}

/// Facts looked up outside the incident: in the store, or on the engine's host when blackbox runs there.
public protocol EvidenceLookups: Sendable {
    /// The name of another running container that publishes this host port, if any.
    func portHolder(hostPort: String, excluding containerID: String) -> String?
    /// Owner, group and mode of a host path, as `uid 0, gid 0, mode 0755`, when the path is visible here.
    func pathOwner(_ path: String) -> String?
    /// The process listening on a TCP port of this host, as `pid 1234 (nginx)`, when it can be found.
    func portProcess(_ port: String) -> String?
}
