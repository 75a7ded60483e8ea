import Foundation
import GRDB

extension EventStore {
    /// What the event log says about the recorder's connection and blind windows, for `blackbox status`.
    public struct RecordingStatus: Sendable {
        /// The newest `recorder_start`, `recorder_stop`, `recorder_disconnected` or `recorder_reconnected` row; nil if none.
        public var lastLifecycle: EventRecord?
        /// When the current session connected (its `recorder_start` or `recorder_reconnected`), Unix nanoseconds.
        public var connectedSince: Int64?
        /// The newest row of any kind, Unix nanoseconds (samples included).
        public var lastRowNanos: Int64?
        /// How many engine lines were rejected (`rejected_line` rows).
        public var rejectedLines: Int
    }

    /// The recorder's history as the log tells it (its blind windows: ``blindWindows(since:until:)``).
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func recordingStatus() throws -> RecordingStatus {
        let previous = try previousSession()
        return try read { db in
            let lifecycle = try EventRecord.fetchOne(
                db,
                sql: "SELECT * FROM events WHERE kind IN ('recorder_start', 'recorder_stop', 'recorder_disconnected', 'recorder_reconnected') ORDER BY seq DESC LIMIT 1")
            let connected = try Int64.fetchOne(
                db, sql: "SELECT ts_ns FROM events WHERE kind IN ('recorder_start', 'recorder_reconnected') ORDER BY seq DESC LIMIT 1")
            return RecordingStatus(
                lastLifecycle: lifecycle, connectedSince: connected, lastRowNanos: previous?.lastRowNanos,
                rejectedLines: try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE kind = 'rejected_line'") ?? 0)
        }
    }

    /// Rows in every table of the store (the schema's own bookkeeping excluded), by table name, in name order.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func tableCounts() throws -> [(table: String, rows: Int)] {
        try read { db in
            let tables = try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name")
            return try tables.map { ($0, try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0.quotedDatabaseIdentifier)") ?? 0) }
        }
    }

    /// Bytes on disk: the database file, and its write-ahead log (`-wal`) not yet checkpointed into it.
    public func fileSizes() -> (database: Int64, wal: Int64) {
        func size(_ path: String) -> Int64 {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
        }
        return (size(path), size(path + "-wal"))
    }
}
