import GRDB

extension EventStore {
    /// The pressure episodes of a container's run still open in the store: the resources the run's last pressure
    /// row left under pressure (its `active`), each with the `start` row that opened it. Empty when none is open or
    /// the last row belongs to another run. The recorder resumes them after a restart instead of starting them again.
    ///
    /// - Parameter startedNanos: the run's `State.StartedAt`, Unix nanoseconds (``EventRecord/Pressure/startedNanos``).
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func openPressureEpisodes(containerID: String, startedNanos: Int64) throws -> [EventRecord.Pressure] {
        let kinds = EventRecord.Pressure.Resource.allCases.map(\.eventKind.rawValue)
        let rows = try read { db in
            // Through events_by_container: a run's pressure rows are few, its other rows are read and skipped.
            try EventRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM events WHERE container_id = ? AND kind IN (\(databaseQuestionMarks(count: kinds.count)))
                    ORDER BY ts_ns DESC, seq DESC LIMIT 64
                    """,
                arguments: StatementArguments([containerID] + kinds))
        }
        let pressures = rows.compactMap(EventRecord.Pressure.decode).filter { $0.startedNanos == startedNanos }
        guard let last = pressures.first else { return [] }
        return last.active.compactMap { resource in pressures.first { $0.resource == resource && $0.phase == .start } }
    }
}
