/// How long the store keeps what it records; ``EventStore/prune(policy:now:)`` enforces it.
///
/// Raw samples older than ``keepSamplesNanos`` are rolled up into one `sample_rollups` row per container and
/// minute, then deleted; roll-ups older than ``keepRollupsNanos`` are deleted. Events and resolved incidents older
/// than ``keepEventsNanos`` are deleted, except what the store still needs (see ``EventStore/prune(policy:now:)``).
public struct RetentionPolicy: Sendable, Equatable {
    /// One day in nanoseconds.
    public static let dayNanos: Int64 = 86_400_000_000_000

    /// How long raw samples are kept, nanoseconds (default 7 days).
    public var keepSamplesNanos: Int64
    /// How long per-minute roll-ups are kept, nanoseconds (default 90 days).
    public var keepRollupsNanos: Int64
    /// How long events and resolved incidents are kept, nanoseconds (default 90 days).
    public var keepEventsNanos: Int64
    /// The most rows one transaction deletes or rolls up (default 5000), so that a concurrent recorder's write waits
    /// for at most one small batch.
    public var batchRows: Int

    public init(
        keepSamplesNanos: Int64 = 7 * dayNanos, keepRollupsNanos: Int64 = 90 * dayNanos, keepEventsNanos: Int64 = 90 * dayNanos,
        batchRows: Int = 5000
    ) {
        self.keepSamplesNanos = max(0, keepSamplesNanos)
        self.keepRollupsNanos = max(0, keepRollupsNanos)
        self.keepEventsNanos = max(0, keepEventsNanos)
        self.batchRows = max(1, batchRows)
    }
}

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
