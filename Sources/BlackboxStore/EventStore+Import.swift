import DockerEngine
import GRDB

/// What an import stored.
public struct ImportCounts: Sendable, Equatable {
    /// Events stored, and events skipped because one with the same `dedup_key` was already stored.
    public var events = 0
    public var duplicateEvents = 0
    /// Samples stored, and samples skipped because one of the same container and time was already stored.
    public var samples = 0
    public var duplicateSamples = 0
    /// The `seq` of the first event stored, nil when none was.
    public var firstSeq: Int64?

    public init() {}

    public static func + (left: ImportCounts, right: ImportCounts) -> ImportCounts {
        var sum = left
        sum.events += right.events
        sum.duplicateEvents += right.duplicateEvents
        sum.samples += right.samples
        sum.duplicateSamples += right.duplicateSamples
        sum.firstSeq = left.firstSeq ?? right.firstSeq
        return sum
    }
}

extension EventStore {
    /// Appends decoded import lines in file order in one transaction, folding each event into the projections as
    /// ``append(contentsOf:)`` does; duplicates are skipped. Headers are ignored.
    ///
    /// - Returns: the counts, and the lines the store refused (index in `lines`, the reason: SQLite's, e.g. a payload
    ///   that is not valid JSON, or a conflict: a row with the same key stored with other content, see
    ///   ``conflict(_:_:)``); the others are stored.
    /// - Throws: ``StoreError/notWritable(path:reason:)`` when the write itself fails; then none of them is stored.
    public func importBatch(_ lines: [ImportLine]) throws -> (counts: ImportCounts, refused: [(index: Int, reason: String)]) {
        do {
            return try pool.write { db in
                // Batches are large: keep their pages in memory (64 MiB) rather than spilling them to the WAL mid-transaction.
                try db.execute(sql: "PRAGMA cache_size = -65536")
                var counts = ImportCounts()
                var refused: [(Int, String)] = []
                var folder = ProjectionFolder(policy: incidentPolicy)
                var keys: [String: Int64] = [:]
                for (index, line) in lines.enumerated() {
                    do {
                        switch line {
                        case .header:
                            break
                        case .event(let event):
                            if let seq = try Self.insert(event, db, folder: &folder) {
                                counts.events += 1
                                counts.firstSeq = counts.firstSeq ?? seq
                            } else if let conflict = try Self.conflict(event, db) {
                                refused.append((index, conflict))
                            } else {
                                counts.duplicateEvents += 1
                            }
                        case .sample(let sample):
                            if try Self.insert(sample, db, keys: &keys) {
                                counts.samples += 1
                            } else if let key = keys[sample.containerID], let conflict = try Self.conflict(sample, containerKey: key, db) {
                                refused.append((index, conflict))
                            } else {
                                counts.duplicateSamples += 1
                            }
                        }
                    } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                        refused.append((index, Self.reason(error)))
                    }
                }
                try folder.finish(db)
                return (counts, refused)
            }
        } catch {
            throw StoreError.notWritable(path: path, reason: Self.reason(error, path: path))
        }
    }
}

extension EventStore {
    /// The time of the newest event stored, Unix nanoseconds; nil for an empty store.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func latestEventTime() throws -> Int64? {
        try read { db in try Int64.fetchOne(db, sql: "SELECT max(ts_ns) FROM events") }
    }

    /// How many events appended from `firstSeq` on are older than an event of the same container appended before them:
    /// the projections fold events in append order, so such events were folded out of time order.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func eventsOlderThanStored(since firstSeq: Int64) throws -> Int {
        try read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM events e
                    JOIN (SELECT container_id, max(ts_ns) AS newest FROM events WHERE seq < :first AND container_id IS NOT NULL GROUP BY container_id) p
                        ON p.container_id = e.container_id
                    WHERE e.seq >= :first AND e.ts_ns < p.newest
                    """, arguments: ["first": firstSeq]) ?? 0
        }
    }
}
