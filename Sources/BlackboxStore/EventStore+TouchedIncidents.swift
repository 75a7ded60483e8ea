import GRDB

extension EventStore {
    /// The incidents whose latest folded event has a `seq` at or after `seq` (every incident for 0), by id.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func incidents(touchedSince seq: Int64) throws -> [IncidentState] {
        try read { db in
            try IncidentState.fetchAll(db, sql: "SELECT * FROM incidents WHERE last_event_seq >= ? ORDER BY id", arguments: [seq])
        }
    }
}
