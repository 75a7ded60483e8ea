import DockerEngine
import Foundation
import GRDB

/// One row of `events`: an engine event or a recorder observation. Appended once, never updated.
public struct EventRecord: Sendable, Equatable, Codable, FetchableRecord {
    /// Append order; nil before the row is stored.
    public var seq: Int64?
    /// Unix nanoseconds: the engine's `timeNano`, or when the recorder observed it.
    public var timeNanos: Int64
    public var kind: EventKind
    public var type: String?
    public var action: String?
    public var actorID: String?
    public var containerID: String?
    public var containerName: String?
    public var image: String?
    public var composeProject: String?
    public var composeService: String?
    public var exitCode: Int?
    public var signal: String?
    /// Identifies the fact across redeliveries; nil for observations that have no natural identity.
    public var deduplicationKey: String?
    /// JSON: the engine's line as sent, or the observation's document.
    public var payload: String

    enum CodingKeys: String, CodingKey {
        case seq, kind, type, action, image, signal, payload
        case timeNanos = "ts_ns"
        case actorID = "actor_id"
        case containerID = "container_id"
        case containerName = "container_name"
        case composeProject = "compose_project"
        case composeService = "compose_service"
        case exitCode = "exit_code"
        case deduplicationKey = "dedup_key"
    }

    public init(
        timeNanos: Int64, kind: EventKind, type: String? = nil, action: String? = nil, actorID: String? = nil,
        containerID: String? = nil, containerName: String? = nil, image: String? = nil, composeProject: String? = nil,
        composeService: String? = nil, exitCode: Int? = nil, signal: String? = nil, deduplicationKey: String? = nil, payload: String
    ) {
        self.timeNanos = timeNanos
        self.kind = kind
        self.type = type
        self.action = action
        self.actorID = actorID
        self.containerID = containerID
        self.containerName = containerName
        self.image = image
        self.composeProject = composeProject
        self.composeService = composeService
        self.exitCode = exitCode
        self.signal = signal
        self.deduplicationKey = deduplicationKey
        self.payload = payload
    }
}

extension EventRecord {
    /// An engine event, verbatim. Its key makes a redelivered event a no-op.
    public static func engine(_ event: EngineEvent) -> EventRecord {
        EventRecord(
            timeNanos: event.timeNano, kind: .engine, type: event.type, action: event.action, actorID: event.actorID,
            containerID: event.containerID, containerName: event.containerName, image: event.image,
            composeProject: event.composeProject, composeService: event.composeService, exitCode: event.exitCode,
            signal: event.signal, deduplicationKey: "engine|\(event.deduplicationKey)", payload: event.raw)
    }

    /// An inspect snapshot taken at `timeNanos`. `json` must already be redacted (``CredentialRedactor/redactInspect(_:)``).
    ///
    /// - Parameter trigger: the deduplication key of the event that caused it, so a redelivered event
    ///   does not store a second snapshot; nil for snapshots without a trigger (the recorder's start-up scan).
    public static func inspect(_ inspect: ContainerInspect, redactedJSON json: Data, timeNanos: Int64, trigger: String?) -> EventRecord {
        EventRecord(
            timeNanos: timeNanos, kind: .inspect, containerID: inspect.id, containerName: inspect.name, image: inspect.config.image,
            composeProject: inspect.config.labels[ComposeLabel.project], composeService: inspect.config.labels[ComposeLabel.service],
            exitCode: inspect.state.exitCode, deduplicationKey: trigger.map { "inspect|\($0)" },
            payload: String(decoding: json, as: UTF8.self))
    }

    /// A failed start: the engine's `State.Error`, read by inspect.
    public static func startFailure(_ inspect: ContainerInspect, timeNanos: Int64, trigger: String?) -> EventRecord {
        let document = StartFailure(error: inspect.state.error, exitCode: inspect.state.exitCode, status: inspect.state.status)
        return EventRecord(
            timeNanos: timeNanos, kind: .startFailure, containerID: inspect.id, containerName: inspect.name, image: inspect.config.image,
            composeProject: inspect.config.labels[ComposeLabel.project], composeService: inspect.config.labels[ComposeLabel.service],
            exitCode: inspect.state.exitCode, deduplicationKey: trigger.map { "start_failure|\($0)" }, payload: Self.json(document))
    }

    /// The longest log line kept, in bytes; the rest of a longer line is dropped and counted.
    public static let maximumLogLineBytes = 8192

    /// The log tail of a container that died: its lines (each cut at ``maximumLogLineBytes``), or why they could not be read.
    ///
    /// - Parameter redacted: how many values ``CredentialRedactor/redact(logLines:)`` replaced in each line, in the
    ///   order of `lines`; stored only when one is not 0.
    public static func logTail(
        containerID: String, containerName: String?, lines: [LogLine]?, failure: String?, timeNanos: Int64, trigger: String?,
        redacted: [Int]? = nil
    ) -> EventRecord {
        let bounded = lines?.map { line -> LogLine in
            let bytes = line.text.utf8.count
            guard bytes > maximumLogLineBytes else { return line }
            var cut = line
            cut.text = String(decoding: line.text.utf8.prefix(maximumLogLineBytes), as: UTF8.self) + " … [\(bytes - maximumLogLineBytes) more bytes not kept]"
            return cut
        }
        let document = LogTail(
            captured: lines != nil, lines: bounded ?? [], reason: failure, redacted: redacted?.contains { $0 > 0 } == true ? redacted : nil)
        return EventRecord(
            timeNanos: timeNanos, kind: .logTail, containerID: containerID, containerName: containerName,
            deduplicationKey: trigger.map { "log_tail|\($0)" }, payload: Self.json(document))
    }

    /// A container found exited by a scan although the store last saw it running, or whose exit inside a blind window
    /// left no `die`; stamped with its `FinishedAt` when known and keyed by it, so the same exit is reconciled once.
    ///
    /// - Parameter restartedSince: the container runs again (restarted by its policy or by the engine's start-up):
    ///   inspect no longer holds that exit's code, so it is stored as unknown (null).
    public static func reconciledExit(_ inspect: ContainerInspect, timeNanos: Int64, restartedSince: Bool = false) -> EventRecord {
        let exitCode = restartedSince ? nil : inspect.state.exitCode
        let document = ReconciledExit(
            status: restartedSince ? "exited" : inspect.state.status, exitCode: exitCode, oomKilled: restartedSince ? false : inspect.state.oomKilled,
            finishedNanos: inspect.state.finishedAtNanos, restartedSince: restartedSince ? true : nil)
        return EventRecord(
            timeNanos: timeNanos, kind: .reconciledExit, containerID: inspect.id, containerName: inspect.name, image: inspect.config.image,
            composeProject: inspect.config.labels[ComposeLabel.project], composeService: inspect.config.labels[ComposeLabel.service],
            exitCode: exitCode, deduplicationKey: "reconciled_exit|\(inspect.id)|\(inspect.state.finishedAtNanos ?? 0)",
            payload: Self.json(document))
    }

    /// The engine's identity: address, negotiated API version, `/version` and `/info`.
    public static func engineInfo(address: String, apiVersion: String, versionJSON: String, infoJSON: Data, timeNanos: Int64) -> EventRecord {
        let info = String(decoding: infoJSON, as: UTF8.self)
        let payload = "{\"address\":\(Self.json(address)),\"api_version\":\(Self.json(apiVersion)),\"version\":\(versionJSON),\"info\":\(info)}"
        return EventRecord(timeNanos: timeNanos, kind: .engineInfo, payload: payload)
    }

    /// The recorder started or stopped at `timeNanos`.
    public static func recorder(_ kind: EventKind, address: String, timeNanos: Int64) -> EventRecord {
        EventRecord(timeNanos: timeNanos, kind: kind, payload: "{\"address\":\(Self.json(address))}")
    }

    /// The `start_failure` payload.
    public struct StartFailure: Codable, Sendable, Equatable {
        public var error: String
        public var exitCode: Int
        public var status: String
        enum CodingKeys: String, CodingKey {
            case error, status
            case exitCode = "exit_code"
        }
    }

    /// The `reconciled_exit` payload.
    public struct ReconciledExit: Codable, Sendable, Equatable {
        public var status: String
        /// `State.ExitCode`; null when the container was already running again, so that exit's code is unknown.
        public var exitCode: Int?
        public var oomKilled: Bool
        public var finishedNanos: Int64?
        /// True when the container had been restarted after this exit by the time it was found.
        public var restartedSince: Bool?
        enum CodingKeys: String, CodingKey {
            case status
            case exitCode = "exit_code"
            case oomKilled = "oom_killed"
            case finishedNanos = "finished_ns"
            case restartedSince = "restarted_since"
        }
    }

    /// The `log_tail` payload.
    public struct LogTail: Codable, Sendable, Equatable {
        public var captured: Bool
        public var lines: [LogLine]
        public var reason: String?
        /// How many credential values were replaced by a marker in each line, in the order of `lines` (JSON
        /// `"redacted":[0,1,0]`); absent when none was (and in tails stored before this was kept).
        public var redacted: [Int]? = nil

        /// How many values were redacted in line `index` of `lines` (0 when none, or out of range).
        public func redactedValues(line index: Int) -> Int {
            guard let redacted, redacted.indices.contains(index) else { return 0 }
            return redacted[index]
        }

        /// How many values were redacted in the whole tail.
        public var redactedValueCount: Int { redacted?.reduce(0, +) ?? 0 }

        /// The tail without the lines the engine timestamped at or after `nanos` (Unix nanoseconds): those of the next
        /// run, when a restart policy started it before the tail was read. Lines without a time are kept; nil keeps all.
        public func lines(before nanos: Int64?) -> LogTail {
            guard let nanos else { return self }
            let kept = lines.indices.filter { lines[$0].timeNanos.map { $0 < nanos } ?? true }
            guard kept.count < lines.count else { return self }
            var tail = self
            tail.lines = kept.map { lines[$0] }
            tail.redacted = redacted.map { counts in kept.map { counts.indices.contains($0) ? counts[$0] : 0 } }
            return tail
        }
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}
