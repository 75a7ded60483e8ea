/// What `blackbox prune` did, or would do with `--dry-run`, to one table (`prune --json`): rows rolled up into
/// hourly roll-ups, roll-ups written, rows deleted.
public struct PruneView: Codable, Sendable, Equatable {
    public var table: String
    public var rolledUp: Int
    public var written: Int
    public var deleted: Int
    public var dryRun: Bool

    enum CodingKeys: String, CodingKey {
        case table, written, deleted
        case rolledUp = "rolled_up"
        case dryRun = "dry_run"
    }

    public init(table: String, rolledUp: Int?, written: Int?, deleted: Int, dryRun: Bool) {
        self.table = table
        self.rolledUp = rolledUp ?? 0
        self.written = written ?? 0
        self.deleted = deleted
        self.dryRun = dryRun
    }
}
