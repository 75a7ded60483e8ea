import DockerEngine
import Foundation
import GRDB

/// One row of the `incidents` projection: one failure episode of one container.
///
/// Folded from the event log only (``IncidentFold``): no wall-clock reads, so replaying the log rebuilds
/// the same incidents. Whether an open incident has since resolved by running stably needs the current time;
/// ``status(now:policy:)`` answers that at read time.
public struct IncidentState: Sendable, Equatable, Codable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "incidents"

    public var id: Int64?
    public var containerID: String
    public var containerName: String?
    public var image: String?
    public var composeProject: String?
    public var composeService: String?
    /// What opened it: an ``IncidentTrigger`` raw value (`die`, `oom`, `start_failure`, `unhealthy`, `stop_timeout`, `reconciled`,
    /// `memory_pressure`, `cpu_pressure`, `pids_pressure`).
    public var trigger: String
    /// JSON array of every trigger kind seen in it, in order of first appearance.
    public var triggers: String
    /// Unix nanoseconds of the first and the latest trigger.
    public var openedNanos: Int64
    public var lastNanos: Int64
    /// Failures in this episode: a restart loop is one incident with many occurrences.
    public var occurrences: Int
    /// The latest `die` exit code.
    public var exitCode: Int?
    /// Since when the container has run (and, with a health check, been healthy) after the latest occurrence; nil while it has not.
    public var stableSinceNanos: Int64?
    /// When it resolved, once the log shows it (removal, or a later failure after a stable run); nil otherwise.
    public var resolvedNanos: Int64?
    /// An ``IncidentResolution`` raw value: `removed`, `ran_stable` or (a pressure incident a failure ended) `superseded`.
    public var resolution: String?
    /// JSON array of the `events.seq` it rests on.
    public var eventSeqs: String
    public var lastEventSeq: Int64
    /// JSON array with one object per occurrence: the `events.seq` of its triggers and their kinds
    /// (`[{"seqs":[12,13],"triggers":["oom","die"]}]`); `[]` in rows folded before occurrences were recorded.
    public var occurrenceTriggers: String

    enum CodingKeys: String, CodingKey {
        case id, image, trigger, triggers, occurrences, resolution
        case containerID = "container_id"
        case containerName = "container_name"
        case composeProject = "compose_project"
        case composeService = "compose_service"
        case openedNanos = "opened_ns"
        case lastNanos = "last_ns"
        case exitCode = "exit_code"
        case stableSinceNanos = "stable_since_ns"
        case resolvedNanos = "resolved_ns"
        case eventSeqs = "event_seqs"
        case lastEventSeq = "last_event_seq"
        case occurrenceTriggers = "occurrence_triggers"
    }

    public init(
        id: Int64?, containerID: String, containerName: String?, image: String?, composeProject: String?, composeService: String?,
        trigger: String, triggers: String, openedNanos: Int64, lastNanos: Int64, occurrences: Int, exitCode: Int?, stableSinceNanos: Int64?,
        resolvedNanos: Int64?, resolution: String?, eventSeqs: String, lastEventSeq: Int64, occurrenceTriggers: String = "[]"
    ) {
        self.id = id
        self.containerID = containerID
        self.containerName = containerName
        self.image = image
        self.composeProject = composeProject
        self.composeService = composeService
        self.trigger = trigger
        self.triggers = triggers
        self.openedNanos = openedNanos
        self.lastNanos = lastNanos
        self.occurrences = occurrences
        self.exitCode = exitCode
        self.stableSinceNanos = stableSinceNanos
        self.resolvedNanos = resolvedNanos
        self.resolution = resolution
        self.eventSeqs = eventSeqs
        self.lastEventSeq = lastEventSeq
        self.occurrenceTriggers = occurrenceTriggers
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// The ids of the events it rests on, oldest first.
    public var seqs: [Int64] {
        (try? JSONDecoder().decode([Int64].self, from: Data(eventSeqs.utf8))) ?? []
    }

    /// The trigger events of each occurrence, in order. A row folded before occurrences were recorded reads as one
    /// occurrence of every event it rests on.
    public var occurrenceList: [OccurrenceTriggers] {
        let decoded = (try? JSONDecoder().decode([OccurrenceTriggers].self, from: Data(occurrenceTriggers.utf8))) ?? []
        return decoded.isEmpty ? [OccurrenceTriggers(seqs: seqs, triggers: triggerKinds)] : decoded
    }

    /// Every trigger kind seen in it.
    public var triggerKinds: [String] {
        (try? JSONDecoder().decode([String].self, from: Data(triggers.utf8))) ?? [trigger]
    }

    /// `open` or `resolved` at `now` (Unix nanoseconds): resolved when the log says so, or when the container
    /// has been stable for the policy's window by now.
    public func status(now: Int64, policy: IncidentPolicy) -> IncidentStatus {
        if resolvedNanos != nil { return .resolved }
        if let stable = stableSinceNanos, now - stable >= policy.resolveAfterNanos { return .resolved }
        return .open
    }
}

/// One occurrence's triggers, as folded: the `events.seq` of each trigger event and its kind (same order).
public struct OccurrenceTriggers: Sendable, Equatable, Codable {
    public var seqs: [Int64]
    public var triggers: [String]

    public init(seqs: [Int64], triggers: [String]) {
        self.seqs = seqs
        self.triggers = triggers
    }
}

/// How incidents are grouped and resolved.
public struct IncidentPolicy: Sendable, Equatable {
    /// How long a container must run (and stay healthy, with a health check) after a failure for its incident
    /// to resolve, nanoseconds (default 5 minutes). A failure before then is another occurrence of the same incident.
    public var resolveAfterNanos: Int64

    public init(resolveAfterNanos: Int64 = 300_000_000_000) {
        self.resolveAfterNanos = resolveAfterNanos
    }
}
