import DockerEngine
import Foundation

extension EventRecord {
    /// The recorder lost the engine at `timeNanos`: its event stream ended or the engine became unreachable.
    public static func recorderDisconnected(address: String, reason: String, timeNanos: Int64) -> EventRecord {
        EventRecord(timeNanos: timeNanos, kind: .recorderDisconnected, payload: json(Connection(address: address, reason: reason)))
    }

    /// The recorder reached the engine again at `timeNanos`.
    public static func recorderReconnected(address: String, timeNanos: Int64) -> EventRecord {
        EventRecord(timeNanos: timeNanos, kind: .recorderReconnected, payload: json(Connection(address: address, reason: nil)))
    }

    /// A window in which the store may miss what happened, stamped with its end.
    public static func recorderGap(_ gap: Gap) -> EventRecord {
        EventRecord(
            timeNanos: gap.untilNanos, kind: .recorderGap, deduplicationKey: "recorder_gap|\(gap.reason)|\(gap.fromNanos)|\(gap.untilNanos)",
            payload: json(gap))
    }

    /// An engine line the recorder could not decode, received at `timeNanos`.
    ///
    /// - Parameters:
    ///   - raw: the line's first bytes (the decoder keeps at most 64 KiB); stored as text, invalid UTF-8 replaced.
    ///   - kind: the reason's kind (`invalid_utf8`, `invalid_json`, `missing_field`, `wrong_field_type`, `unknown_type`, `oversized`).
    ///   - bytes: the whole line's length.
    public static func rejectedLine(_ raw: [UInt8], kind: String, reason: String, bytes: Int, timeNanos: Int64) -> EventRecord {
        EventRecord(
            timeNanos: timeNanos, kind: .rejectedLine,
            payload: json(RejectedLine(kind: kind, reason: reason, bytes: bytes, raw: String(decoding: raw, as: UTF8.self))))
    }

    /// The `rejected_line` payload.
    public struct RejectedLine: Codable, Sendable, Equatable {
        public var kind: String
        public var reason: String
        public var bytes: Int
        public var raw: String
    }

    /// A change that a reconciliation scan found and the engine never announced, stamped with when it happened
    /// (or, for a removal, when the scan found it) and keyed so that the same change is reconciled once.
    public static func reconciled(_ change: ReconciledChange, _ inspect: ContainerInspect?, containerID: String, containerName: String?, timeNanos: Int64)
        -> EventRecord
    {
        let kind: EventKind =
            switch change.change {
            case .create: .reconciledCreate
            case .start: .reconciledStart
            case .restart: .reconciledRestart
            case .remove: .reconciledRemove
            }
        let labels = inspect?.config.labels ?? [:]
        return EventRecord(
            timeNanos: timeNanos, kind: kind, containerID: containerID, containerName: inspect?.name ?? containerName, image: inspect?.config.image,
            composeProject: labels[ComposeLabel.project], composeService: labels[ComposeLabel.service], exitCode: change.exitCode,
            deduplicationKey: "\(kind.rawValue)|\(containerID)|\(timeNanos)|\(change.restartCount ?? 0)", payload: json(change))
    }

    /// The `recorder_disconnected` / `recorder_reconnected` payload.
    public struct Connection: Codable, Sendable, Equatable {
        public var address: String
        public var reason: String?
    }

    /// The `recorder_gap` payload: when the store may be blind, why, and what was recovered.
    public struct Gap: Codable, Sendable, Equatable {
        /// Why: `disconnected` (the engine was unreachable), `recorder_down` (no recorder ran; the last one stopped
        /// cleanly), `recorder_crashed` (no recorder ran; the last one ended without `recorder_stop`: killed, host crash),
        /// `write_buffer_overflow` (the store could not be written and the buffer was full: rows were dropped).
        public var reason: String
        /// Unix nanoseconds: the last moment the store is known to be complete, and when it was again.
        public var fromNanos: Int64
        public var untilNanos: Int64
        /// Engine events recovered from the engine's own buffer (`/events?since=`) for this window, when replayed.
        public var replayed: Int?
        /// Changes found by reconciliation (`reconciled_*` rows) for this window.
        public var reconciled: Int?
        /// Rows observed but not stored (write buffer overflow): events and samples.
        public var droppedEvents: Int?
        public var droppedSamples: Int?

        public init(
            reason: String, fromNanos: Int64, untilNanos: Int64, replayed: Int? = nil, reconciled: Int? = nil, droppedEvents: Int? = nil,
            droppedSamples: Int? = nil
        ) {
            self.reason = reason
            self.fromNanos = fromNanos
            self.untilNanos = untilNanos
            self.replayed = replayed
            self.reconciled = reconciled
            self.droppedEvents = droppedEvents
            self.droppedSamples = droppedSamples
        }

        /// This gap and `other` as one row: the window that covers both, and the rows dropped in either (the
        /// recorder's write buffer counts what it drops into one gap while the store cannot be written).
        public func merged(with other: Gap) -> Gap {
            var merged = self
            merged.fromNanos = min(fromNanos, other.fromNanos)
            merged.untilNanos = max(untilNanos, other.untilNanos)
            merged.droppedEvents = (droppedEvents ?? 0) + (other.droppedEvents ?? 0)
            merged.droppedSamples = (droppedSamples ?? 0) + (other.droppedSamples ?? 0)
            return merged
        }

        enum CodingKeys: String, CodingKey {
            case reason, replayed, reconciled
            case fromNanos = "from_ns"
            case untilNanos = "until_ns"
            case droppedEvents = "dropped_events"
            case droppedSamples = "dropped_samples"
        }
    }

    /// The payload of `reconciled_create`, `reconciled_start`, `reconciled_restart` and `reconciled_remove`: what
    /// inspect showed when the scan found the change (for a removal, what the store last knew).
    public struct ReconciledChange: Codable, Sendable, Equatable {
        public enum Change: String, Codable, Sendable { case create, start, restart, remove }
        public var change: Change
        /// `State.Status` (`running`, `exited`, …; `removed` for a removal).
        public var status: String
        public var exitCode: Int?
        public var oomKilled: Bool?
        /// Unix nanoseconds, from `Created`, `State.StartedAt`, `State.FinishedAt`.
        public var createdNanos: Int64?
        public var startedNanos: Int64?
        public var finishedNanos: Int64?
        /// `RestartCount` as inspect showed it, and how much it grew with no `start` event received.
        public var restartCount: Int?
        public var missedRestarts: Int?

        public init(
            change: Change, status: String, exitCode: Int? = nil, oomKilled: Bool? = nil, createdNanos: Int64? = nil, startedNanos: Int64? = nil,
            finishedNanos: Int64? = nil, restartCount: Int? = nil, missedRestarts: Int? = nil
        ) {
            self.change = change
            self.status = status
            self.exitCode = exitCode
            self.oomKilled = oomKilled
            self.createdNanos = createdNanos
            self.startedNanos = startedNanos
            self.finishedNanos = finishedNanos
            self.restartCount = restartCount
            self.missedRestarts = missedRestarts
        }

        /// What inspect shows of a container, as a change of kind `change`.
        public init(_ change: Change, _ inspect: ContainerInspect, missedRestarts: Int? = nil) {
            self.init(
                change: change, status: inspect.state.status, exitCode: inspect.state.running ? nil : inspect.state.exitCode,
                oomKilled: inspect.state.oomKilled, createdNanos: inspect.createdNanos, startedNanos: inspect.state.startedAtNanos,
                finishedNanos: inspect.state.finishedAtNanos, restartCount: inspect.restartCount, missedRestarts: missedRestarts)
        }

        enum CodingKeys: String, CodingKey {
            case change, status
            case exitCode = "exit_code"
            case oomKilled = "oom_killed"
            case createdNanos = "created_ns"
            case startedNanos = "started_ns"
            case finishedNanos = "finished_ns"
            case restartCount = "restart_count"
            case missedRestarts = "missed_restarts"
        }
    }
}
