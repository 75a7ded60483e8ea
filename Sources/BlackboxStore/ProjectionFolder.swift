import GRDB

/// Folds stored events into the containers and incidents projections within one write transaction.
///
/// Each container's row and open incident are read from the store once and then kept in memory, so that a batch of
/// events costs no look-up per event; incidents are saved as they change (their ids are needed at once), container
/// rows by ``finish(_:)``, which must run before the transaction commits. Nothing else writes these projections
/// meanwhile, so the rows are the ones that reading both afresh for every event would give.
struct ProjectionFolder {
    let policy: IncidentPolicy
    /// Each container's state after the latest event folded, for the containers this folder has read.
    private var containers: [String: ContainerState] = [:]
    /// Containers whose row is not written yet, in the order they were first changed.
    private var unwritten: [String] = []
    private var unwrittenSet: Set<String> = []
    /// Each container's open incident (nil: none), for the containers whose open incident is known.
    private var openIncidents: [String: IncidentState?] = [:]

    init(policy: IncidentPolicy) {
        self.policy = policy
    }

    /// Folds one stored event (with its `seq`); events without a container change nothing.
    ///
    /// - Throws: a `DatabaseError` when the store cannot be read or an incident cannot be saved.
    mutating func fold(_ event: EventRecord, _ db: Database) throws {
        guard let containerID = event.containerID else { return }
        let before = try containers[containerID] ?? ContainerState.fetchOne(db, containerID: containerID)
        var after = before ?? ContainerState(containerID: containerID)
        after.apply(event)
        containers[containerID] = after
        if unwrittenSet.insert(containerID).inserted { unwritten.append(containerID) }
        var open = try openIncident(containerID, db)
        if open == nil && (event.kind == .logTail || event.kind == .inspect || event.kind == .hostFacts) {
            // A `--rm` container is removed before its log tail, last snapshot and host facts are stored: they still belong to
            // the incident its removal resolved.
            open = try IncidentState.fetchOne(
                db, sql: "SELECT * FROM incidents WHERE container_id = ? AND resolution = 'removed' AND last_ns <= ? ORDER BY id DESC LIMIT 1",
                arguments: [containerID, event.timeNanos])
        }
        let changed = IncidentFold.apply(event, open: open, before: before, after: after, policy: policy)
        for var incident in changed {
            try incident.write(db)
            // The fold keeps at most one incident of a container open: the one saved last, unless it is resolved.
            openIncidents[containerID] = .some(incident.resolvedNanos == nil ? incident : nil)
        }
    }

    /// Writes the container rows changed since the last call.
    ///
    /// - Throws: a `DatabaseError` when a row cannot be written.
    mutating func finish(_ db: Database) throws {
        for containerID in unwritten {
            try containers[containerID]?.upsert(db)
        }
        unwritten.removeAll()
        unwrittenSet.removeAll()
    }

    private mutating func openIncident(_ containerID: String, _ db: Database) throws -> IncidentState? {
        if let known = openIncidents[containerID] { return known }
        let open = try IncidentState.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM incidents WHERE container_id = ? AND resolved_ns IS NULL ORDER BY id DESC LIMIT 1"),
            arguments: [containerID])
        openIncidents[containerID] = .some(open)
        return open
    }
}
