import Foundation
import GRDB

/// A stretch of time in which the store may miss what happened to containers.
public struct BlindWindow: Sendable, Equatable {
    /// Unix nanoseconds.
    public var fromNanos: Int64
    /// Unix nanoseconds; nil while it lasts (the recorder stopped and has not started since).
    public var untilNanos: Int64?
    /// `recorder_stopped` (a clean stop), `recorder_died` (a `recorder_start` with no `recorder_stop` before it: the
    /// previous session ended without a word), or the reason of a `recorder_gap` row (`disconnected`, …).
    public var reason: String
    /// Events the recorder knows it lost in the window, when it says.
    public var dropped: Int64?

    public init(fromNanos: Int64, untilNanos: Int64?, reason: String, dropped: Int64? = nil) {
        self.fromNanos = fromNanos
        self.untilNanos = untilNanos
        self.reason = reason
        self.dropped = dropped
    }
}

extension EventStore {
    /// The recorder's blind windows that overlap `since`…`until` (Unix nanoseconds, inclusive), oldest first: its
    /// `recorder_gap` rows, every stop until the next start, and every start whose previous row is not a stop.
    public func blindWindows(since: Int64? = nil, until: Int64? = nil) throws -> [BlindWindow] {
        let rows = try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.kind, e.ts_ns, e.payload,
                        (SELECT p.kind FROM events p WHERE p.seq < e.seq ORDER BY p.seq DESC LIMIT 1) AS previous_kind,
                        (SELECT p.ts_ns FROM events p WHERE p.seq < e.seq ORDER BY p.seq DESC LIMIT 1) AS previous_ns
                    FROM events e
                    WHERE e.kind IN ('recorder_start', 'recorder_stop', 'recorder_gap')
                    ORDER BY e.seq
                    """)
        }
        var windows: [BlindWindow] = []
        var openStop: Int64?
        for row in rows {
            let kind: String = row["kind"]
            let time: Int64 = row["ts_ns"]
            switch kind {
            case EventKind.recorderStop.rawValue:
                openStop = time
            case EventKind.recorderStart.rawValue:
                if let stop = openStop {
                    windows.append(BlindWindow(fromNanos: stop, untilNanos: time, reason: "recorder_stopped"))
                } else if let previous: String = row["previous_kind"], previous != EventKind.recorderStop.rawValue, let previousTime: Int64 = row["previous_ns"] {
                    windows.append(BlindWindow(fromNanos: previousTime, untilNanos: time, reason: "recorder_died"))
                }
                openStop = nil
            default:
                let payload = (try? JSONSerialization.jsonObject(with: Data((row["payload"] as String).utf8))) as? [String: Any] ?? [:]
                let from = (payload["from_ns"] as? NSNumber)?.int64Value ?? time
                windows.append(
                    BlindWindow(
                        fromNanos: from, untilNanos: (payload["until_ns"] as? NSNumber)?.int64Value ?? time,
                        reason: payload["reason"] as? String ?? "unknown", dropped: (payload["dropped"] as? NSNumber)?.int64Value))
            }
        }
        if let stop = openStop { windows.append(BlindWindow(fromNanos: stop, untilNanos: nil, reason: "recorder_stopped")) }
        return windows.filter { window in
            window.fromNanos <= (until ?? Int64.max) && (window.untilNanos ?? Int64.max) >= (since ?? Int64.min)
        }.sorted { $0.fromNanos < $1.fromNanos }
    }
}
