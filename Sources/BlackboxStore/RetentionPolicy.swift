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
