@testable import BlackboxCLI
import BlackboxStore
import DockerEngine
import Foundation
import Testing

/// `blackbox timeline`: the captured fixture session merged with incidents, the recorder's blind windows and
/// notable samples.
@Suite struct TimelineTests {
    private func sample(_ id: String, at time: Int64, workingSet: Int64, throttled: Int64) -> ResourceSample {
        ResourceSample(
            containerID: id, timeNanos: time, cpuPercent: 50, cpuPercentOfLimit: 100, cpuThrottledPeriods: throttled, memoryUsageBytes: workingSet,
            memoryWorkingSetBytes: workingSet, memoryLimitBytes: 33_554_432, pids: 1, networkRxBytes: 0, networkTxBytes: 0, blockReadBytes: 0,
            blockWriteBytes: 0)
    }

    private func timeline(_ store: EventStore, ids: [String], now: Int64) throws -> [TimelineEntry] {
        let limits = try store.containers().reduce(into: [:]) { $0[$1.containerID] = $1.memoryLimitBytes }
        return try Timeline.load(containerIDs: ids, since: nil, until: nil, memoryLimits: limits, from: store, now: now).entries()
    }

    /// The store's read of a timeline's incidents equals filtering every incident by container and overlap, for
    /// windows before, around, inside and after them.
    @Test func readsTheIncidentsOfItsContainersThatOverlapTheWindow() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try PlaybookTests.diagnosedFixtureStore(directory)
        let all = try store.incidents()
        #expect(all.count >= 3)
        let ids = Array(Set(all.map(\.containerID)).sorted().prefix(2))
        let times = all.flatMap { [$0.openedNanos, $0.lastNanos, $0.resolvedNanos].compactMap { $0 } }
        let bounds: [Int64?] = [nil] + times.flatMap { [$0 - 1, $0, $0 + 1] }
        for since in bounds {
            for until in bounds {
                let expected = all.filter {
                    ids.contains($0.containerID) && $0.openedNanos <= (until ?? .max) && ($0.resolvedNanos ?? .max) >= (since ?? .min)
                }
                #expect(try store.incidents(containerIDs: ids, since: since, until: until).map(\.id) == expected.map(\.id))
            }
        }
        let first = try #require(all.first?.id)
        let best = try store.bestMatches(incidentIDs: [first])
        let everyBest = try store.bestMatches()
        #expect(best.count == 1)
        #expect(best[first] == everyBest[first])
    }

    @Test func mergesLifecycleIncidentsSamplesAndBlindWindowsInTimeOrder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        try store.append(.recorder(.recorderStart, address: "unix:///x.sock", timeNanos: 1_000))
        try FixtureSession.record(into: store)
        let id = try #require(try store.containerIDs(matching: "fx-oom").first)
        let events = try store.events(EventFilter(containerIDs: [id]))
        let start = try #require(events.first { $0.action == "start" }?.timeNanos)
        let die = try #require(events.first { $0.action == "die" }?.timeNanos)
        try store.append(samples: [
            sample(id, at: start + 1, workingSet: 10_000_000, throttled: 0),
            sample(id, at: start + 2, workingSet: 31_000_000, throttled: 4),
            sample(id, at: start + 3, workingSet: 32_000_000, throttled: 9),
            sample(id, at: start + 4, workingSet: 20_000_000, throttled: 9),
        ])
        let stop = die + 1_000_000_000
        try store.append(.recorder(.recorderStop, address: "unix:///x.sock", timeNanos: stop))
        try store.append(.recorder(.recorderStart, address: "unix:///x.sock", timeNanos: stop + 60_000_000_000))
        try store.append(EventRecord(timeNanos: stop + 61_000_000_000, kind: .engine, type: "image", action: "pull", payload: "{}"))
        try store.append(.recorder(.recorderStart, address: "unix:///x.sock", timeNanos: stop + 120_000_000_000))

        let entries = try timeline(store, ids: [id], now: stop + 200_000_000_000)
        #expect(entries.map(\.timeNanos) == entries.map(\.timeNanos).sorted())
        let names = entries.map(\.event)
        for expected in ["create", "start", "oom", "die", "memory peak", "memory limit reached", "cpu throttled"] {
            #expect(names.contains(expected), "no \(expected) in \(names)")
        }
        #expect(names.contains { $0.hasPrefix("incident ") && $0.hasSuffix(" opened") })
        #expect(!names.contains { $0.hasPrefix("exec_") || $0 == "inspect" })
        #expect(entries.first { $0.event == "die" }?.details == "exitCode=137")
        #expect(entries.first { $0.event == "memory peak" }?.details.contains("30.5MiB of a 32MiB limit") == true)
        #expect(entries.first { $0.event == "memory limit reached" }?.timeNanos == start + 2)
        #expect(entries.first { $0.event == "cpu throttled" }?.details.hasPrefix("9 CFS periods throttled") == true)
        #expect(entries.first { $0.event.hasPrefix("incident") }?.details.contains("trigger=oom") == true)

        let blind = entries.filter { $0.event == "blind window" }
        #expect(blind.map(\.timeNanos) == [stop, stop + 61_000_000_000])
        #expect(blind.first?.details.contains("the last one was stopped") == true)
        #expect(blind.last?.details.contains("without stopping") == true)
        #expect(blind.allSatisfy { $0.containerID == nil })
    }

    @Test func reconciledRowsAreLabelledAsSuch() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        try FixtureSession.record(into: store)
        let inspect = try ContainerInspect.decode(Fixtures.data("inspect-fx-ok.json"))
        try store.append(.reconciledExit(inspect, timeNanos: 9_000_000_000_000_000_000))
        let entries = try timeline(store, ids: [inspect.id], now: 9_000_000_000_000_000_001)
        let reconciled = try #require(entries.first { $0.timeNanos == 9_000_000_000_000_000_000 })
        #expect(reconciled.event == "exit (reconciled)")
        #expect(reconciled.details.contains("no die event was received"))
    }

    @Test func theCommandPrintsATableAndRefusesBadArguments() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        try FixtureSession.record(into: store)
        let result = try BlackboxBinary.run(["timeline", "fx-oom", "--db", directory.storePath])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("TIME"))
        #expect(result.stdout.range(of: #"incident \d+ opened"#, options: .regularExpression) != nil, "\(result.stdout)")
        let unknown = try BlackboxBinary.run(["timeline", "--project", "nope", "--db", directory.storePath])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("'nope'"))
        let both = try BlackboxBinary.run(["timeline", "fx-oom", "--project", "shop", "--db", directory.storePath])
        #expect(both.status == 64)
    }
}
