import BlackboxStore
import DockerEngine

/// The store and its recorder (`status --json`): where the store is and how big, whether a recorder runs, how many rows
/// each table holds, and the newest blind windows.
public struct StatusView: Codable, Sendable, Equatable {
    public struct Store: Codable, Sendable, Equatable {
        public var path: String
        /// Bytes of the database file and of its write-ahead log.
        public var databaseBytes: Int64
        public var walBytes: Int64

        enum CodingKeys: String, CodingKey {
            case path
            case databaseBytes = "database_bytes"
            case walBytes = "wal_bytes"
        }
    }

    public struct Recorder: Codable, Sendable, Equatable {
        /// ``RecorderState/name``: `connected`, `reconnecting`, `stopped`, `crashed` or `never`.
        public var state: String
        /// Unix nanoseconds of the newest row, and since when the state holds (also as RFC 3339).
        public var lastRowNanos: Int64?
        public var sinceNanos: Int64?
        public var since: String?
        public var address: String?
        public var reason: String?

        enum CodingKeys: String, CodingKey {
            case state, since, address, reason
            case lastRowNanos = "last_row_ns"
            case sinceNanos = "since_ns"
        }
    }

    /// A time in which the store may have missed what happened (``BlindWindow``), and what was recovered or lost.
    public struct Window: Codable, Sendable, Equatable {
        public var reason: String
        /// Unix nanoseconds; `until` is nil while it lasts.
        public var fromNanos: Int64
        public var untilNanos: Int64?
        public var replayed: Int?
        public var reconciled: Int?
        public var droppedEvents: Int?
        public var droppedSamples: Int?

        enum CodingKeys: String, CodingKey {
            case reason, replayed, reconciled
            case fromNanos = "from_ns"
            case untilNanos = "until_ns"
            case droppedEvents = "dropped_events"
            case droppedSamples = "dropped_samples"
        }

        public init(_ window: BlindWindow) {
            reason = window.reason
            fromNanos = window.fromNanos
            untilNanos = window.untilNanos
            replayed = window.gap?.replayed
            reconciled = window.gap?.reconciled
            droppedEvents = window.gap?.droppedEvents
            droppedSamples = window.gap?.droppedSamples
        }
    }

    public var store: Store
    public var recorder: Recorder
    /// Rows per table.
    public var tables: [String: Int]
    /// The newest blind windows, newest first, and how many there are in all.
    public var blindWindows: [Window]
    public var blindWindowCount: Int
    /// Engine event lines that could not be decoded (kept as `rejected_line` events).
    public var rejectedLines: Int

    enum CodingKeys: String, CodingKey {
        case store, recorder, tables
        case blindWindows = "blind_windows"
        case blindWindowCount = "blind_window_count"
        case rejectedLines = "rejected_lines"
    }

    /// - Parameters:
    ///   - windows: the windows to list, newest first; `total`: how many there are in all.
    ///   - sizes: bytes of the database file and of its write-ahead log.
    public init(
        path: String, sizes: (database: Int64, wal: Int64), state: RecorderState, status: EventStore.RecordingStatus,
        tables: [(table: String, rows: Int)], windows: [BlindWindow], total: Int
    ) {
        store = Store(path: path, databaseBytes: sizes.database, walBytes: sizes.wal)
        recorder = Recorder(
            state: state.name, lastRowNanos: status.lastRowNanos, sinceNanos: state.since, since: state.since.map { Timestamp.rfc3339(unixNanos: $0) },
            address: state.address, reason: state.reason)
        self.tables = Dictionary(tables.map { ($0.table, $0.rows) }, uniquingKeysWith: { $1 })
        blindWindows = windows.map(Window.init)
        blindWindowCount = total
        rejectedLines = status.rejectedLines
    }
}
