import BlackboxStore
import Foundation

/// ``EvidenceLookups`` as they were at a failure: the `host_facts` the recorder read on the engine's host when it
/// recorded it, and, for a port held by another container, the store's snapshots of that moment.
///
/// Nothing is read from this host now: after the user fixed the cause, the report still shows what was true then.
/// A fact that was not recorded (a session imported from `docker events`, a recorder on another host) is missing.
public struct RecordedLookups: EvidenceLookups {
    let facts: EventRecord.HostFacts
    let store: EventStore?
    let atNanos: Int64

    /// - Parameters:
    ///   - rows: the occurrence's rows; their `host_facts` are merged (a later one wins).
    ///   - atNanos: the failure's time, Unix nanoseconds.
    public init(rows: [EventRecord], store: EventStore?, atNanos: Int64) {
        var facts = EventRecord.HostFacts()
        for row in rows where row.kind == .hostFacts {
            guard let recorded = try? JSONDecoder().decode(EventRecord.HostFacts.self, from: Data(row.payload.utf8)) else { continue }
            facts.paths.merge(recorded.paths) { $1 }
            facts.ports.merge(recorded.ports) { $1 }
            if let programs = recorded.programs { facts.programs = (facts.programs ?? [:]).merging(programs) { $1 } }
        }
        self.facts = facts
        self.store = store
        self.atNanos = atNanos
    }

    public func portHolder(hostPort: String, excluding containerID: String) -> String? {
        if let recorded = facts.ports[hostPort]?.container { return recorded }
        guard let snapshots = try? store?.runningSnapshots(atNanos: atNanos) else { return nil }
        if let holder = HostLookups.portHolder(hostPort: hostPort, excluding: containerID, snapshots: snapshots) { return holder }
        // A `docker-proxy` held the port at the failure, so a container that publishes it had started; its snapshot
        // may be stored just after (two containers started together: compose `scale`, a sibling with the same port).
        guard facts.ports[hostPort]?.process?.contains("docker-proxy") == true,
            let later = try? store?.runningSnapshots(atNanos: atNanos + Self.holderSnapshotLagNanos)
        else { return nil }
        return HostLookups.portHolder(hostPort: hostPort, excluding: containerID, snapshots: later)
    }

    public func runningSnapshots() -> [String: String] {
        (try? store?.runningSnapshots(atNanos: atNanos)) ?? [:]
    }

    public func snapshot(containerID: String) -> String? {
        (try? store?.snapshot(containerID: containerID, atNanos: atNanos)) ?? nil
    }

    /// From the store's snapshots of the containers running at the failure.
    public func volumeUser(volume: String, excluding containerID: String) -> String? {
        guard let snapshots = try? store?.runningSnapshots(atNanos: atNanos) else { return nil }
        return HostLookups.volumeUser(volume: volume, excluding: containerID, snapshots: snapshots)
    }

    /// How long after a failure the snapshot of a container started with it may be stored (nanoseconds).
    static let holderSnapshotLagNanos: Int64 = 2_000_000_000

    public func pathOwner(_ path: String) -> String? {
        facts.paths[path]
    }

    public func portProcess(_ port: String) -> String? {
        facts.ports[port]?.process
    }

    public func program(_ path: String) -> EventRecord.ProgramFacts? {
        facts.programs?[path]
    }
}
