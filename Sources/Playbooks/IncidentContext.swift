import BlackboxCore
import BlackboxStore
import Compose
import DockerEngine
import Foundation

/// The facts a playbook is matched against: one occurrence (one failure) of an incident and what the store holds of
/// that failure alone (``IncidentEvidence/occurrences`` builds one per occurrence).
///
/// What happened after the failure — a deliberate kill, a removal, a fix and a healthy restart — is not part of it,
/// so it never changes the occurrence's diagnosis.
public struct IncidentContext: Sendable {
    /// The incident as of this occurrence: its triggers, exit code and last time are this failure's, and
    /// `occurrences` is this occurrence's number (1 for the first failure).
    public var incident: IncidentState
    /// The container's rows from just after the previous failure (the first: from 10 minutes before the incident
    /// opened) up to this failure, and the observations recorded for this failure (its inspect snapshot, log tail and
    /// host facts), in order.
    public var events: [EventRecord]
    /// The inspect snapshot of the failure: the one taken for its trigger, else the first recorded right after it,
    /// else the latest before it.
    public var inspect: JSONValue?
    /// Every inspect snapshot of ``events``, oldest first (for health-check history).
    public var snapshots: [JSONValue]
    /// The log tail captured for this failure (empty when none was).
    public var logLines: [LogLine]
    /// How many credential values the recorder replaced in each line of ``logLines`` (same order; empty when none).
    public var redactedPerLine: [Int] = []
    /// Why the recorder could not read the failure's log tail (the engine's answer, e.g. a log driver without reading
    /// support); nil when it was read or none was asked for.
    public var logsUnavailable: String?
    /// Whether the store holds a log tail (or error-burst lines) of this failure; false when the recorder recorded
    /// none (it was not running, or the row was not imported), so what the container printed is unknown.
    public var logTailRecorded = true
    /// The container's samples before this failure (from the previous failure, or 30 minutes before the incident).
    public var samples: [ResourceSample]
    /// The incident's occurrences up to and including this one, oldest first.
    public var history: [OccurrenceSummary]
    /// The compose project and service, their files and dependencies, when the container was part of one.
    public var compose: ComposeContext?
    /// Host facts: those recorded at the failure (``RecordedLookups``), or looked up now by `playbook run`.
    public var lookups: any EvidenceLookups

    public init(
        incident: IncidentState, events: [EventRecord], inspect: JSONValue?, snapshots: [JSONValue], logLines: [LogLine],
        samples: [ResourceSample], history: [OccurrenceSummary] = [], compose: ComposeContext? = nil, lookups: any EvidenceLookups
    ) {
        self.incident = incident
        self.events = events
        self.inspect = inspect
        self.snapshots = snapshots
        self.logLines = logLines
        self.samples = samples
        self.history = history
        self.compose = compose
        self.lookups = lookups
    }

    /// This occurrence's number, 1 for the incident's first failure.
    public var occurrence: Int { incident.occurrences }

    /// Whether the failing process had started: the occurrence's run has a length (``OccurrenceSummary/ranForNanos``).
    public var ran: Bool { history.last?.ranForNanos != nil }

    /// The engine events of the occurrence.
    var engineEvents: [EventRecord] { events.filter { $0.kind == .engine } }
}

extension IncidentContext {
    /// Reads the evidence of `incident` from the store (``load(_:from:lookups:incidentsPerRead:each:)`` for one incident).
    ///
    /// - Parameter lookups: host facts for every occurrence; nil for those recorded at each failure.
    /// - Throws: ``StoreError`` when the store cannot be read.
    public static func load(_ incident: IncidentState, from store: EventStore, lookups: (any EvidenceLookups)? = nil) throws -> IncidentEvidence {
        var loaded: IncidentEvidence?
        try load([incident], from: store, lookups: lookups) { loaded = $0 }
        guard let loaded else { preconditionFailure("load(_:from:lookups:each:) visits every incident it is given") }
        return loaded
    }

    /// The evidence of `incident` from its window's events and samples, read already.
    static func make(
        _ incident: IncidentState, events: [EventRecord], samples: [ResourceSample], from store: EventStore, lookups: (any EvidenceLookups)?
    ) throws -> IncidentEvidence {
        let snapshots = events.filter { $0.kind == .inspect }
        let atFailure = snapshots.first { $0.timeNanos >= incident.lastNanos } ?? snapshots.last
        let compose = try ComposeContext.load(incident, inspect: atFailure.flatMap { JSONValue.parse($0.payload) }, from: store)
        return IncidentEvidence(incident: incident, events: events, samples: samples, compose: compose) { rows, failedNanos in
            lookups ?? RecordedLookups(rows: rows, store: store, atNanos: failedNanos)
        }
    }
}

/// One failure of an incident, as the incident's header and `--json` describe it.
public struct OccurrenceSummary: Sendable, Equatable, Codable {
    /// 1 for the incident's first failure.
    public var number: Int
    /// Its trigger kinds (`die`, `oom`, `start_failure`, …), in order.
    public var triggers: [String]
    /// When it failed (its last trigger), Unix nanoseconds.
    public var failedNanos: Int64
    /// Its exit code: the `die`'s, the start failure's `State.ExitCode` or a reconciled exit's; nil for an `oom` of a
    /// child or an unhealthy transition, which end no process.
    public var exitCode: Int?
    /// How long the container had run before it (its last `start` to the failure), nanoseconds; nil when it had not
    /// started (a start failure) or the start is not in the store.
    public var ranForNanos: Int64?

    public init(number: Int, triggers: [String], failedNanos: Int64, exitCode: Int?, ranForNanos: Int64?) {
        self.number = number
        self.triggers = triggers
        self.failedNanos = failedNanos
        self.exitCode = exitCode
        self.ranForNanos = ranForNanos
    }
}

/// Facts looked up outside the incident's events: recorded on the engine's host at the failure, or looked up now.
public protocol EvidenceLookups: PortLookups {
    /// The name of another running container that mounts the named volume (a `Mounts` entry of type `volume` with
    /// that `Name`), if any: two servers on one data directory.
    func volumeUser(volume: String, excluding containerID: String) -> String?
    /// Owner, group and mode of a host path, as `uid 0, gid 0, mode 0755`, when the path is visible here.
    func pathOwner(_ path: String) -> String?
    /// What the program at this path of the failed container is (ELF and its loader, or a script's first line), as
    /// the recorder read it from the stopped container.
    func program(_ path: String) -> EventRecord.ProgramFacts?
    /// The inspect payloads (`GET /containers/{id}/json`) of the containers running at the failure, by container id:
    /// the store's snapshots of that moment, or of now for a live lookup; empty when there is no store.
    func runningSnapshots() -> [String: String]
    /// The latest inspect payload of another container (any state) at the failure, by its full id; nil when unknown.
    func snapshot(containerID: String) -> String?
}

extension EvidenceLookups {
    public func runningSnapshots() -> [String: String] { [:] }
    public func snapshot(containerID: String) -> String? { nil }
}
