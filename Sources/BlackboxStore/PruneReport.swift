/// What one pruning did (or, for ``EventStore/prunable(policy:now:)``, would do): rows per table.
public struct PruneReport: Sendable, Equatable {
    /// Raw samples folded into roll-ups (and then deleted).
    public var samplesRolledUp = 0
    /// Raw samples deleted: those rolled up, and those too old even for a roll-up.
    public var samplesDeleted = 0
    /// `sample_rollups` rows written (one per container and minute).
    public var rollupsWritten = 0
    public var rollupsDeleted = 0
    public var eventsDeleted = 0
    /// Incidents deleted, with their `incident_matches` rows.
    public var incidentsDeleted = 0
    /// Rows of the `containers` projection deleted: removed containers none of whose events is left.
    public var containersDeleted = 0
    /// `container_keys` rows deleted: containers none of whose samples or roll-ups is left.
    public var containerKeysDeleted = 0
    /// Write transactions used (0 for a dry run).
    public var transactions = 0

    public init() {}

    /// Whether nothing was (or would be) changed.
    public var isEmpty: Bool {
        rollupsWritten == 0 && samplesDeleted + rollupsDeleted + eventsDeleted + incidentsDeleted + containersDeleted + containerKeysDeleted == 0
    }
}
