import Foundation
import GRDB

/// A stretch of time in which the store may miss what happened to containers.
public struct BlindWindow: Sendable, Equatable {
    /// Unix nanoseconds.
    public var fromNanos: Int64
    /// Unix nanoseconds; nil while it lasts (the recorder stopped and has not started since).
    public var untilNanos: Int64?
    /// The `recorder_gap` reason: `disconnected`, `recorder_down` (no recorder ran; the last one stopped cleanly),
    /// `recorder_crashed` (no recorder ran; the last one ended without `recorder_stop`) or `write_buffer_overflow`.
    public var reason: String
    /// What was recovered or lost, when the recorder said (see ``EventRecord/Gap``).
    public var gap: EventRecord.Gap?

    public init(fromNanos: Int64, untilNanos: Int64?, reason: String, gap: EventRecord.Gap? = nil) {
        self.fromNanos = fromNanos
        self.untilNanos = untilNanos
        self.reason = reason
        self.gap = gap
    }
}

extension EventStore {
    /// The statement of ``blindWindows(since:until:)``: the recorder's lifecycle rows with the row before each;
    /// `QueryPlanTests` explains it.
    static let sessionRowsSQL = """
        SELECT e.kind, e.ts_ns, e.payload,
            (SELECT p.kind FROM events p WHERE p.seq < e.seq ORDER BY p.seq DESC LIMIT 1) AS previous_kind,
            (SELECT p.ts_ns FROM events p WHERE p.seq < e.seq ORDER BY p.seq DESC LIMIT 1) AS previous_ns
        FROM events e
        WHERE e.kind IN ('recorder_start', 'recorder_stop', 'recorder_gap')
        ORDER BY e.seq
        """

    /// The recorder's blind windows that overlap `since`…`until` (Unix nanoseconds, inclusive), oldest first.
    ///
    /// They are its `recorder_gap` rows, and the stop of the last session when no recorder has started since (open,
    /// `untilNanos` nil). A store written before the recorder wrote gap rows for the time between two sessions gets
    /// those derived from its lifecycle rows: a stop until the next start, and a start with no stop before it from the
    /// row before it.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func blindWindows(since: Int64? = nil, until: Int64? = nil) throws -> [BlindWindow] {
        let rows = try read { db in
            try Row.fetchAll(db, sql: Self.sessionRowsSQL)
        }
        var windows: [BlindWindow] = []
        var openStop: Int64?
        var derived: BlindWindow?
        for row in rows {
            let kind: String = row["kind"]
            let time: Int64 = row["ts_ns"]
            switch kind {
            case EventKind.recorderStop.rawValue:
                openStop = time
            case EventKind.recorderStart.rawValue:
                if let derived { windows.append(derived) }
                derived = nil
                if let stop = openStop {
                    derived = BlindWindow(fromNanos: stop, untilNanos: time, reason: "recorder_down")
                } else if let previous: String = row["previous_kind"], previous != EventKind.recorderStop.rawValue,
                    let previousTime: Int64 = row["previous_ns"]
                {
                    derived = BlindWindow(fromNanos: previousTime, untilNanos: time, reason: "recorder_crashed")
                }
                openStop = nil
            default:
                guard let gap = try? JSONDecoder().decode(EventRecord.Gap.self, from: Data((row["payload"] as String).utf8)) else { continue }
                // The session's own account of the time since the previous one replaces the derived window.
                if gap.reason == "recorder_down" || gap.reason == "recorder_crashed" { derived = nil }
                windows.append(BlindWindow(fromNanos: gap.fromNanos, untilNanos: gap.untilNanos, reason: gap.reason, gap: gap))
            }
        }
        if let derived { windows.append(derived) }
        if let stop = openStop { windows.append(BlindWindow(fromNanos: stop, untilNanos: nil, reason: "recorder_down")) }
        return windows.filter { window in
            window.fromNanos <= (until ?? Int64.max) && (window.untilNanos ?? Int64.max) >= (since ?? Int64.min)
        }.sorted { $0.fromNanos < $1.fromNanos }
    }
}
