import GRDB

extension IncidentState {
    /// Inserts the row, setting ``id``, or rewrites every column of the stored row of that `id` (what GRDB's `save`
    /// does), through a statement prepared once per connection with each value bound by its type. The fold writes
    /// an incident for every event that changes it, and `save` encodes the record through `Codable` each time.
    ///
    /// - Throws: a `DatabaseError` when the row cannot be written (a `triggers`, `event_seqs` or `occurrence_triggers` that is not JSON).
    mutating func write(_ db: Database) throws {
        var row = RowInsert(
            try db.cachedStatement(
                sql: """
                    INSERT INTO incidents (id, container_id, container_name, image, compose_project, compose_service, trigger,
                        triggers, opened_ns, last_ns, occurrences, exit_code, stable_since_ns, resolved_ns, resolution,
                        event_seqs, last_event_seq, occurrence_triggers)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET container_id = excluded.container_id,
                        container_name = excluded.container_name, image = excluded.image,
                        compose_project = excluded.compose_project, compose_service = excluded.compose_service,
                        trigger = excluded.trigger, triggers = excluded.triggers, opened_ns = excluded.opened_ns,
                        last_ns = excluded.last_ns, occurrences = excluded.occurrences, exit_code = excluded.exit_code,
                        stable_since_ns = excluded.stable_since_ns, resolved_ns = excluded.resolved_ns,
                        resolution = excluded.resolution, event_seqs = excluded.event_seqs,
                        last_event_seq = excluded.last_event_seq, occurrence_triggers = excluded.occurrence_triggers
                    """), db)
        row.bind(id)
        row.bind(containerID)
        row.bind(containerName)
        row.bind(image)
        row.bind(composeProject)
        row.bind(composeService)
        row.bind(trigger)
        row.bind(triggers)
        row.bind(openedNanos)
        row.bind(lastNanos)
        row.bind(occurrences)
        row.bind(exitCode)
        row.bind(stableSinceNanos)
        row.bind(resolvedNanos)
        row.bind(resolution)
        row.bind(eventSeqs)
        row.bind(lastEventSeq)
        row.bind(occurrenceTriggers)
        try row.run()
        if id == nil { id = db.lastInsertedRowID }
    }
}
