import BlackboxCore
import BlackboxStore
import DockerEngine
import Foundation

/// The recorder's state as `blackbox status` tells it: from the recorder lock (is one running?) and the newest
/// lifecycle rows of the event log (connected, reconnecting, stopped, or ended without stopping).
public struct RecorderState: Sendable, Equatable {
    /// `connected`, `reconnecting`, `stopped`, `crashed` (ended without `recorder_stop`) or `never` (nothing recorded).
    public var name: String
    /// Unix nanoseconds: since when the state holds.
    public var since: Int64?
    public var address: String?
    public var reason: String?

    /// - Parameter held: whether a recorder holds the store's lock now (``RecorderLock/isHeld(storePath:)``).
    public init(_ status: EventStore.RecordingStatus, held: Bool) {
        let last = status.lastLifecycle
        let payload = last.flatMap { try? JSONDecoder().decode(EventRecord.Connection.self, from: Data($0.payload.utf8)) }
        address = payload?.address
        switch (held, last?.kind) {
        case (_, nil):
            name = held ? "connected" : "never"
        case (true, .recorderDisconnected?):
            name = "reconnecting"
            since = last?.timeNanos
            reason = payload?.reason
        case (true, _):
            name = "connected"
            since = status.connectedSince
        case (false, .recorderStop?):
            name = "stopped"
            since = last?.timeNanos
        case (false, _):
            name = "crashed"
            since = status.lastRowNanos
        }
    }

    /// The state in one sentence, as `status` prints it; `now`: Unix nanoseconds.
    public func sentence(now: Int64) -> String {
        let when = since.map { " since \(Timestamp.rfc3339(unixNanos: $0)) (\(Units.ago($0, now: now)))" } ?? ""
        let engine = address.map { " to \($0)" } ?? ""
        switch name {
        case "connected": return "running, connected\(engine)\(when)"
        case "reconnecting": return "running, engine unreachable, reconnecting\(when): \(reason ?? "unknown reason")"
        case "stopped": return "not running; stopped cleanly\(when). Nothing after that is recorded; the next `blackbox record` replays what the engine still holds and reconciles the rest"
        case "crashed": return "not running; the last recorder ended without stopping (killed, or the host went down); its last row is\(when.isEmpty ? " unknown" : when)"
        default: return "nothing recorded yet (run `blackbox record`)"
        }
    }
}
