import GRDB

extension EventStore {
    /// The incidents folded but not diagnosed as they are now, by id: never diagnosed, or grown by events since their
    /// matches were written (`diagnosed_seq` NULL or older than `last_event_seq`, migration 0008). Such incidents are
    /// left by an import, replay or recorder stopped between committing events and writing matches.
    ///
    /// - Throws: the database error when the store cannot be read.
    public func undiagnosedIncidents() throws -> [IncidentState] {
        try read { db in
            try IncidentState.fetchAll(
                db, sql: "SELECT * FROM incidents WHERE diagnosed_seq IS NULL OR diagnosed_seq < last_event_seq ORDER BY id")
        }
    }
}
