@testable import BlackboxCLI
import BlackboxStore
import DockerEngine
import Testing

/// The notable samples of `timeline` (each run's peak working set, the first sample at 90 % of the limit, CPU
/// throttling stretches), computed by the store, on samples whose answer is worked out by hand.
@Suite struct SampleRunTests {
    /// Container `a` (limit 100 B) starts at 100: run 0 has a tie for the peak, reaches the limit, and throttles in two
    /// stretches around a counter that drops; run 1 ties for its peak at its first sample and never throttles.
    /// Container `b` (no limit) throttles once.
    private func store(_ directory: TemporaryDirectory) throws -> EventStore {
        let store = try EventStore(path: directory.storePath)
        func sample(_ id: String, _ time: Int64, workingSet: Int64, throttled: Int64) -> ResourceSample {
            ResourceSample(
                containerID: id, timeNanos: time, cpuPercent: nil, cpuPercentOfLimit: nil, cpuThrottledPeriods: throttled, memoryUsageBytes: workingSet,
                memoryWorkingSetBytes: workingSet, memoryLimitBytes: 100, pids: 1, networkRxBytes: 0, networkTxBytes: 0, blockReadBytes: 0,
                blockWriteBytes: 0)
        }
        try store.append(samples: [
            sample("a", 10, workingSet: 50, throttled: 0), sample("a", 20, workingSet: 80, throttled: 2), sample("a", 30, workingSet: 80, throttled: 5),
            sample("a", 40, workingSet: 95, throttled: 5), sample("a", 50, workingSet: 95, throttled: 3), sample("a", 60, workingSet: 20, throttled: 4),
            sample("a", 100, workingSet: 30, throttled: 0), sample("a", 110, workingSet: 30, throttled: 0), sample("a", 120, workingSet: 10, throttled: 0),
            sample("b", 15, workingSet: 5, throttled: 0), sample("b", 25, workingSet: 7, throttled: 1),
        ])
        try store.append(EventRecord(timeNanos: 100, kind: .engine, type: "container", action: "start", containerID: "a", payload: "{}"))
        return store
    }

    private func summaries(since: Int64?, until: Int64?, in store: EventStore) throws -> [SampleRunSummary] {
        let events = try store.events(EventFilter(containerIDs: ["a", "b"], since: since, until: until))
        let runs = Timeline.sampleRuns(containerIDs: ["b", "a"], events: events, memoryLimits: ["a": 100], since: since, until: until)
        return try store.summaries(of: runs)
    }

    @Test func peaksThresholdsAndThrottlingPerRun() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let found = try summaries(since: nil, until: nil, in: try store(directory))
        #expect(
            found == [
                SampleRunSummary(
                    run: SampleRun(containerID: "a", fromNanos: .min, untilNanos: 99, workingSetThreshold: 90, memoryLimitBytes: 100), count: 6,
                    peak: WorkingSetReading(timeNanos: 40, workingSetBytes: 95), firstReaching: WorkingSetReading(timeNanos: 40, workingSetBytes: 95),
                    throttling: [ThrottleStretch(fromNanos: 10, untilNanos: 30, periods: 5), ThrottleStretch(fromNanos: 50, untilNanos: 60, periods: 1)]),
                SampleRunSummary(
                    run: SampleRun(containerID: "a", fromNanos: 100, untilNanos: .max, workingSetThreshold: 90, memoryLimitBytes: 100), count: 3,
                    peak: WorkingSetReading(timeNanos: 100, workingSetBytes: 30), firstReaching: nil, throttling: []),
                SampleRunSummary(
                    run: SampleRun(containerID: "b", fromNanos: .min, untilNanos: .max), count: 2, peak: WorkingSetReading(timeNanos: 25, workingSetBytes: 7),
                    firstReaching: nil, throttling: [ThrottleStretch(fromNanos: 15, untilNanos: 25, periods: 1)]),
            ])
    }

    @Test func aWindowCutsTheRunsAndDropsEmptyOnes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try store(directory)
        let found = try summaries(since: 20, until: 105, in: store)
        #expect(found.map(\.run.containerID) == ["a", "a", "b"])
        #expect(found.map(\.count) == [5, 1, 1])
        #expect(found[0].throttling == [ThrottleStretch(fromNanos: 20, untilNanos: 30, periods: 3), ThrottleStretch(fromNanos: 50, untilNanos: 60, periods: 1)])
        #expect(found[1].peak == WorkingSetReading(timeNanos: 100, workingSetBytes: 30))
        #expect(found[2].throttling.isEmpty)

        #expect(try summaries(since: 61, until: 99, in: store).isEmpty)
    }

    @Test func theTimelineShowsEachSummaryAtItsTime() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try store(directory)
        let entries = try Timeline.load(containerIDs: ["a", "b"], since: nil, until: nil, memoryLimits: ["a": 100], from: store, now: 1_000).entries()
        let notable = entries.filter { ["memory peak", "memory limit reached", "cpu throttled"].contains($0.event) }
        #expect(notable.map { "\($0.timeNanos) \($0.containerID ?? "-") \($0.event)" } == [
            "10 a cpu throttled", "15 b cpu throttled", "25 b memory peak", "40 a memory peak", "40 a memory limit reached", "50 a cpu throttled",
            "100 a memory peak",
        ])
        #expect(notable.first { $0.timeNanos == 40 && $0.event == "memory peak" }?.details == "working set 95B of a 100B limit (95.00%), highest of 6 samples")
        #expect(notable.first { $0.timeNanos == 40 && $0.event == "memory limit reached" }?.details == "working set 95B is 95.00% of 100B")
        #expect(notable.first?.details == "5 CFS periods throttled over 0ms")
    }

    /// Container `c` was OOM-killed under a 64 B limit, then started again under 256 B (the inspect snapshots at each
    /// start say so); container `d` ran without a limit and was given one of 100 B afterwards. Each run is measured
    /// against the limit it ran under, not the latest one.
    @Test func eachRunHasTheLimitItRanUnder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        func sample(_ id: String, _ time: Int64, workingSet: Int64, limit: Int64) -> ResourceSample {
            ResourceSample(
                containerID: id, timeNanos: time, cpuPercent: nil, cpuPercentOfLimit: nil, cpuThrottledPeriods: 0, memoryUsageBytes: workingSet,
                memoryWorkingSetBytes: workingSet, memoryLimitBytes: limit, pids: 1, networkRxBytes: 0, networkTxBytes: 0, blockReadBytes: 0,
                blockWriteBytes: 0)
        }
        func inspect(_ id: String, _ time: Int64, memory: Int64) -> EventRecord {
            EventRecord(
                timeNanos: time, kind: .inspect, containerID: id,
                payload: #"{"Id":"\#(id)","State":{"Status":"running"},"Config":{},"HostConfig":{"Memory":\#(memory)}}"#)
        }
        try store.append(samples: [
            sample("c", 10, workingSet: 60, limit: 64), sample("c", 20, workingSet: 62, limit: 64), sample("c", 110, workingSet: 100, limit: 256),
            sample("d", 10, workingSet: 95, limit: 1_000),
        ])
        for record in [
            inspect("c", 5, memory: 64), EventRecord(timeNanos: 100, kind: .engine, type: "container", action: "start", containerID: "c", payload: "{}"),
            inspect("c", 101, memory: 256), inspect("d", 5, memory: 0),
        ] { try store.append(record) }
        let entries = try Timeline.load(containerIDs: ["c", "d"], since: nil, until: nil, memoryLimits: ["c": 256, "d": 100], from: store, now: 1_000)
            .entries().filter { ["memory peak", "memory limit reached"].contains($0.event) }
        #expect(entries.map { "\($0.timeNanos) \($0.containerID ?? "-") \($0.event): \($0.details)" } == [
            "10 c memory limit reached: working set 60B is 93.75% of 64B",
            "10 d memory peak: working set 95B, highest of 1 sample",
            "20 c memory peak: working set 62B of a 64B limit (96.88%), highest of 2 samples",
            "110 c memory peak: working set 100B of a 256B limit (39.06%), highest of 1 sample",
        ])
    }
}
