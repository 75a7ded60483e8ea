import BlackboxStore
import DockerEngine
import Foundation
import GRDB
import Synchronization
import Testing

/// Pruning and roll-up on synthetic stores, with the clock injected through `now`.
@Suite struct RetentionTests {
    static let second: Int64 = 1_000_000_000
    static let minute: Int64 = 60 * second
    static let day = RetentionPolicy.dayNanos
    /// A minute boundary, 100 days after the epoch, plus 30 s: pruning cuts at the start of a minute.
    static let now: Int64 = 144_000 * minute + 30 * second

    static func sample(_ id: String, _ time: Int64, cpu: Double?, memory: Int64, pids: Int64, rx: Int64, limit: Int64 = 1000) -> ResourceSample {
        ResourceSample(
            containerID: id, timeNanos: time, cpuPercent: cpu, cpuPercentOfLimit: cpu.map { $0 / 2 }, cpuThrottledPeriods: rx / 10,
            memoryUsageBytes: memory + 5, memoryWorkingSetBytes: memory, memoryLimitBytes: limit, pids: pids,
            networkRxBytes: rx, networkTxBytes: rx * 2, blockReadBytes: rx * 3, blockWriteBytes: rx * 4)
    }

    /// `sample_rollups` as rows of column name → value, by container key and minute.
    static func rollups(_ path: String) throws -> [[String: DatabaseValue]] {
        try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sample_rollups ORDER BY container_key, minute_ns").map { row in
                Dictionary(uniqueKeysWithValues: row.columnNames.map { ($0, row[$0] as DatabaseValue) })
            }
        }
    }

    @Test func rollsUpOldSamplesToExactPerMinuteMinAvgMaxAndTheLastCounters() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        let old = Self.now - 8 * Self.day - 30 * Self.second  // 8 days ago, at the start of a minute
        try store.append(samples: [
            Self.sample("a", old, cpu: 10, memory: 100, pids: 1, rx: 1000),
            Self.sample("a", old + 20 * Self.second, cpu: nil, memory: 300, pids: 4, rx: 3000, limit: 2000),
            Self.sample("a", old + 40 * Self.second, cpu: 50, memory: 200, pids: 1, rx: 2000, limit: 3000),
            Self.sample("a", old + Self.minute, cpu: 5, memory: 700, pids: 9, rx: 4000),
            Self.sample("a", Self.now - Self.day, cpu: 1, memory: 1, pids: 1, rx: 5000),
        ])
        let report = try store.prune(policy: RetentionPolicy(), now: Self.now)
        #expect(report.samplesRolledUp == 4)
        #expect(report.samplesDeleted == 4)
        #expect(report.rollupsWritten == 2)
        let rows = try Self.rollups(directory.storePath)
        #expect(rows.count == 2)
        let first = try #require(rows.first)
        #expect(first["minute_ns"] == Int64(old).databaseValue)
        #expect(first["samples"] == 3.databaseValue)
        #expect(first["last_ts_ns"] == Int64(old + 40 * Self.second).databaseValue)
        #expect(first["cpu_pct_min"] == 10.0.databaseValue)
        #expect(first["cpu_pct_avg"] == 30.0.databaseValue)
        #expect(first["cpu_pct_max"] == 50.0.databaseValue)
        #expect(first["cpu_pct_of_limit_avg"] == 15.0.databaseValue)
        #expect(first["mem_working_set_bytes_min"] == 100.databaseValue)
        #expect(first["mem_working_set_bytes_avg"] == 200.0.databaseValue)
        #expect(first["mem_working_set_bytes_max"] == 300.databaseValue)
        #expect(first["mem_usage_bytes_avg"] == 205.0.databaseValue)
        #expect(first["pids_min"] == 1.databaseValue)
        #expect(first["pids_avg"] == 2.0.databaseValue)
        #expect(first["pids_max"] == 4.databaseValue)
        // The last reading of the minute, not the largest.
        #expect(first["net_rx_bytes"] == 2000.databaseValue)
        #expect(first["blk_write_bytes"] == 8000.databaseValue)
        #expect(first["cpu_throttled_periods"] == 200.databaseValue)
        #expect(first["mem_limit_bytes"] == 3000.databaseValue)
        #expect(rows.last?["pids_avg"] == 9.0.databaseValue)
        let left = try store.samples(containerIDs: ["a"])
        #expect(left.map(\.timeNanos) == [Self.now - Self.day])
    }

    @Test func batchesCutOnlyAtMinuteBoundariesAndGiveTheSameRollUps() throws {
        var results: [[[String: DatabaseValue]]] = []
        var reports: [PruneReport] = []
        for batchRows in [5, 3, 5000] {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let store = try EventStore(path: directory.storePath)
            let start = Self.now - 30 * Self.day - 30 * Self.second
            var samples: [ResourceSample] = []
            for container in ["a", "b"] {
                for index in 0..<(4 * 25) {  // 25 minutes of 4 samples, 15 s apart
                    let value = Int64(index * 7 % 11)
                    samples.append(
                        Self.sample(container, start + Int64(index) * 15 * Self.second, cpu: Double(value), memory: value * 1000, pids: value, rx: Int64(index)))
                }
            }
            try store.append(samples: samples)
            let report = try store.prune(policy: RetentionPolicy(batchRows: batchRows), now: Self.now)
            results.append(try Self.rollups(directory.storePath))
            reports.append(report)
            #expect(try store.counts().samples == 0)
        }
        #expect(results[0].count == 50)
        #expect(results[0].allSatisfy { $0["samples"] == 4.databaseValue })
        #expect(results[0] == results[2])
        #expect(results[1] == results[2])
        // 4 samples a minute: a batch of 5 is cut back to one whole minute, one of 3 grows to one; 25 a container.
        // One more each for incidents, events, containers and container keys.
        #expect(reports.map(\.transactions) == [54, 54, 6])
        #expect(reports.allSatisfy { $0.samplesRolledUp == 200 && $0.rollupsWritten == 50 })
    }

    @Test func deletesNothingYoungerThanThePolicy() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        let policy = RetentionPolicy(keepSamplesNanos: 7 * Self.day, keepRollupsNanos: 30 * Self.day, keepEventsNanos: 30 * Self.day)
        let sampleCutoff = Self.now - 7 * Self.day
        try store.append(samples: [
            Self.sample("a", sampleCutoff - 31 * Self.second, cpu: 1, memory: 1, pids: 1, rx: 1),  // the minute before: rolled up
            Self.sample("a", sampleCutoff - 30 * Self.second, cpu: 1, memory: 1, pids: 1, rx: 1),  // in the cutoff's minute: kept raw
            Self.sample("a", sampleCutoff + 1, cpu: 1, memory: 1, pids: 1, rx: 1),
            Self.sample("a", Self.now - 31 * Self.day, cpu: 1, memory: 1, pids: 1, rx: 1),  // too old for a roll-up
            Self.sample("a", Self.now - 30 * Self.day + 30 * Self.second, cpu: 1, memory: 1, pids: 1, rx: 1),  // its minute is kept
        ])
        let eventCutoff = Self.now - 30 * Self.day
        try store.append(contentsOf: [
            EventRecord(timeNanos: eventCutoff - 1, kind: .recorderStart, payload: "{}"),
            EventRecord(timeNanos: eventCutoff, kind: .recorderStop, payload: "{}"),
            EventRecord(timeNanos: Self.now, kind: .recorderStart, payload: "{}"),
        ])
        let report = try store.prune(policy: policy, now: Self.now)
        #expect(report.samplesDeleted == 3)
        #expect(report.samplesRolledUp == 2)
        #expect(report.eventsDeleted == 1)
        #expect(try store.samples(containerIDs: ["a"]).map(\.timeNanos) == [sampleCutoff - 30 * Self.second, sampleCutoff + 1])
        #expect(try Self.rollups(directory.storePath).count == 2)
        #expect(try store.events(EventFilter()).map(\.timeNanos) == [eventCutoff, Self.now])

        let later = try store.prune(policy: policy, now: Self.now + 2 * Self.minute)
        #expect(later.samplesRolledUp == 2)
        #expect(later.rollupsDeleted == 1)
    }

    @Test func aLateSampleIsMergedIntoItsMinutesRollUp() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        let minute = Self.now - 10 * Self.day - 30 * Self.second
        try store.append(samples: [
            Self.sample("a", minute, cpu: 10, memory: 100, pids: 2, rx: 10),
            Self.sample("a", minute + 10 * Self.second, cpu: 20, memory: 300, pids: 2, rx: 20),
        ])
        try store.prune(policy: RetentionPolicy(), now: Self.now)
        try store.append(samples: [Self.sample("a", minute + 50 * Self.second, cpu: 60, memory: 800, pids: 5, rx: 30)])
        let report = try store.prune(policy: RetentionPolicy(), now: Self.now)
        #expect(report.rollupsWritten == 1)
        let row = try #require(try Self.rollups(directory.storePath).first)
        #expect(row["samples"] == 3.databaseValue)
        #expect(row["cpu_pct_avg"] == 30.0.databaseValue)
        #expect(row["cpu_pct_max"] == 60.0.databaseValue)
        #expect(row["mem_working_set_bytes_avg"] == 400.0.databaseValue)
        #expect(row["mem_working_set_bytes_min"] == 100.databaseValue)
        #expect(row["pids_avg"] == 3.0.databaseValue)
        #expect(row["net_rx_bytes"] == 30.databaseValue)
    }

    @Test func keepsOpenIncidentsAndWhatTheyRestOnAndIsANoOpTheSecondTime() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        try FixtureSession.record(into: store)
        var last = try #require(try store.events(EventFilter()).map(\.timeNanos).max())
        // Remove two containers: fx-oom's incident resolves, fx-ok never had one.
        for name in ["fx-ok", "fx-oom"] {
            let id = try #require(try store.containerIDs(named: name).first)
            last += Self.second
            try store.append(
                EventRecord(
                    timeNanos: last, kind: .engine, type: "container", action: "destroy", actorID: id, containerID: id, containerName: name,
                    deduplicationKey: "test|destroy|\(id)", payload: "{}"))
        }
        let now = last + 100 * Self.day
        let incidents = try store.incidents()
        let open = incidents.filter { $0.status(now: now, policy: store.incidentPolicy) == .open }
        #expect(!open.isEmpty)
        #expect(open.count == incidents.count - 1, "fx-oom's incident is resolved")
        let removed = try store.containers().filter { $0.status == "removed" }.map(\.containerID)
        let existing = try store.containers().filter { $0.status != "removed" }.map(\.containerID)
        let inspected = try existing.filter { id in try store.events(EventFilter(containerIDs: [id])).contains { $0.kind == .inspect } }
        #expect(!inspected.isEmpty)
        #expect(!removed.isEmpty)

        let dryRun = try store.prunable(policy: RetentionPolicy(), now: now)
        let report = try store.prune(policy: RetentionPolicy(), now: now)
        var expected = report
        expected.transactions = 0
        #expect(dryRun == expected)
        #expect(report.incidentsDeleted == incidents.count - open.count)
        #expect(report.eventsDeleted > 0)

        #expect(try store.incidents() == open)
        let seqs = Set(try store.events(EventFilter()).compactMap(\.seq))
        for incident in open {
            #expect(Set(incident.seqs).isSubset(of: seqs), "incident \(incident.id ?? 0) lost an event it rests on")
        }
        for id in existing {
            #expect(try store.container(id) != nil)
        }
        for id in inspected {
            #expect(try store.events(EventFilter(containerIDs: [id])).contains { $0.kind == .inspect }, "lost the latest inspect of \(id)")
        }
        for id in removed where try store.events(EventFilter(containerIDs: [id])).isEmpty {
            #expect(try store.container(id) == nil)
        }
        #expect(report.containersDeleted == 2)
        #expect(try store.integrityCheck() == "ok")

        let again = try store.prune(policy: RetentionPolicy(), now: now)
        #expect(again.isEmpty)
        #expect(try store.prunable(policy: RetentionPolicy(), now: now).isEmpty)
    }

    @Test func aWriterInAnotherConnectionKeepsWritingWhilePruningRuns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        let start = Self.now - 20 * Self.day
        for container in ["a", "b", "c"] {
            try store.append(samples: (0..<10_000).map { Self.sample(container, start + Int64($0) * 10 * Self.second, cpu: 1, memory: 1, pids: 1, rx: Int64($0)) })
        }
        // A recorder's connection, on a thread of its own: it appends a sample every 2 ms until told to stop.
        let recorder = try EventStore(path: directory.storePath)
        let writer = Mutex<(written: Int, stop: Bool, finished: Bool, error: String?)>((0, false, false, nil))
        Thread.detachNewThread {
            while !writer.withLock({ $0.stop }) {
                do {
                    let index = writer.withLock { $0.written }
                    try recorder.append(samples: [Self.sample("live", Self.now + Int64(index) * Self.second, cpu: 1, memory: 1, pids: 1, rx: 1)])
                    writer.withLock { $0.written += 1 }
                } catch {
                    writer.withLock { $0.error = "\(error)" }
                    break
                }
                Thread.sleep(forTimeInterval: 0.002)
            }
            writer.withLock { $0.finished = true }
        }
        #expect(TestEngine.wait(seconds: 10) { writer.withLock { $0.written >= 5 } })
        let before = writer.withLock { $0.written }
        let report = try store.prune(policy: RetentionPolicy(), now: Self.now)
        let during = writer.withLock { $0.written } - before
        writer.withLock { $0.stop = true }
        #expect(TestEngine.wait(seconds: 10) { writer.withLock { $0.finished } })
        let (written, error) = writer.withLock { ($0.written, $0.error) }
        #expect(error == nil)
        #expect(during > 0, "no write got in while pruning ran")
        #expect(report.samplesDeleted == 30_000)
        #expect(try store.samples(containerIDs: ["live"]).count == written)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func thePruneCommandCountsWithoutChangingAnythingThenPrunes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        let now = Timestamp.nowNanos()
        let minute = (now - 10 * Self.day) / Self.minute * Self.minute
        try store.append(samples: (1...3).map { Self.sample("a", minute + Int64($0) * Self.second, cpu: 1, memory: 1, pids: 1, rx: 1) })

        let dryRun = try BlackboxBinary.run(["prune", "--dry-run", "--json", "--db", directory.storePath])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(dryRun.stdout.utf8)) as? [[String: Any]])
        let samples = try #require(rows.first { $0["table"] as? String == "samples" })
        #expect(samples["rolled_up"] as? Int == 3)
        #expect(samples["deleted"] as? Int == 3)
        #expect(rows.first { $0["table"] as? String == "sample_rollups" }?["written"] as? Int == 1)
        #expect(try store.counts().samples == 3)

        let pruned = try BlackboxBinary.run(["prune", "--keep-samples", "12h", "--db", directory.storePath])
        #expect(pruned.status == 0, "\(pruned.stderr)")
        let lines = pruned.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines.first == "TABLE ROLLED UP WRITTEN DELETED")
        #expect(lines.contains("samples 3 - 3"))
        #expect(lines.contains("sample_rollups - 1 0"))
        #expect(try store.counts().samples == 0)
        let again = try BlackboxBinary.run(["prune", "--keep-samples", "12h", "--db", directory.storePath])
        #expect(again.stdout.hasPrefix("Nothing to prune: nothing is older than the retention periods (samples 12h, roll-ups 90d, events 90d)."))

        let wrong = try BlackboxBinary.run(["prune", "--keep-events", "soon", "--db", directory.storePath])
        #expect(wrong.status == 64)
        #expect(wrong.stderr.contains("The value 'soon' is invalid for '--keep-events <duration>'"), "\(wrong.stderr)")
    }
}
