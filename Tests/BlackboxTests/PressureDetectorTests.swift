import BlackboxStore
import DockerEngine
import Foundation
import Recorder
import Testing

/// The pressure detector decides from samples alone: one row when an episode starts, one when it ends, never one
/// per sample; a resource without a limit is never under pressure. No I/O: samples are built by hand.
@Suite struct PressureDetectorTests {
    static let mib: Int64 = 1_048_576
    static let sources: [EventRecord.Pressure.Resource: String] = [
        .memory: "/sys/fs/cgroup/memory/docker/c1/memory.usage_in_bytes", .cpu: "/sys/fs/cgroup/cpu/docker/c1/cpu.stat",
        .pids: "/sys/fs/cgroup/pids/docker/c1/pids.current",
    ]
    static let limited = PressureLimits(memoryBytes: 32 * mib, cpus: 0.1, cpuPeriodNanos: 100_000_000, pids: 20, sources: sources)
    static let unlimited = PressureLimits(memoryBytes: nil, cpus: nil, cpuPeriodNanos: 100_000_000, pids: nil, sources: sources)

    /// A sample `index` × 2 s after the start, with a working set of `percent` % of 32 MiB.
    static func sample(_ index: Int, memoryPercent: Double = 10, throttled: Int64 = 0, pids: Int64 = 1) -> ResourceSample {
        ResourceSample(
            containerID: "c1", timeNanos: 1_000_000_000_000 + Int64(index) * 2_000_000_000, cpuPercent: 1, cpuPercentOfLimit: 10,
            cpuThrottledPeriods: throttled, memoryUsageBytes: Int64(Double(32 * mib) * memoryPercent / 100),
            memoryWorkingSetBytes: Int64(Double(32 * mib) * memoryPercent / 100), memoryLimitBytes: 32 * mib, pids: pids, networkRxBytes: 0,
            networkTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0)
    }

    static func run(_ samples: [ResourceSample], limits: PressureLimits = limited) -> [(index: Int, change: EventRecord.Pressure)] {
        var detector = PressureDetector(startedNanos: 42)
        return samples.enumerated().flatMap { index, sample in detector.observe(sample, limits: limits).map { (index, $0) } }
    }

    @Test func memoryNearItsLimitStartsOnceAndEndsOnceWithHysteresis() throws {
        let percents: [Double] = [50, 92, 95, 93, 91, 89, 85, 92, 70, 60, 50, 40]
        let changes = Self.run(percents.enumerated().map { Self.sample($0.offset, memoryPercent: $0.element) })
        #expect(changes.map(\.index) == [3, 10])
        let start = try #require(changes.first?.change)
        #expect(start.resource == .memory && start.phase == .start)
        #expect(start.samples == 3)
        #expect(start.windowNanos == 4_000_000_000)
        #expect(start.sinceNanos == Self.sample(1).timeNanos)
        #expect(start.limit == Double(32 * Self.mib))
        #expect(abs(start.ratio - 0.93) < 0.001)
        #expect(abs(start.peakRatio - 0.95) < 0.001)
        #expect(start.threshold == 0.9)
        #expect(start.source == Self.sources[.memory])
        #expect(start.active == [.memory])
        #expect(start.startedNanos == 42)
        let end = try #require(changes.last?.change)
        #expect(end.phase == .end && end.resource == .memory)
        #expect(end.sinceNanos == start.sinceNanos)
        #expect(abs(end.peakRatio - 0.95) < 0.001)
        #expect(end.threshold == 0.8)
        #expect(end.active.isEmpty)
    }

    @Test func anInterruptedStreakStartsNothing() {
        let percents: [Double] = [92, 95, 70, 92, 95, 60, 99, 99]
        #expect(Self.run(percents.enumerated().map { Self.sample($0.offset, memoryPercent: $0.element) }).isEmpty)
    }

    @Test func withoutLimitsNothingIsEverUnderPressure() {
        let samples = (0..<10).map { Self.sample($0, memoryPercent: 99, throttled: Int64($0) * 20, pids: 19) }
        #expect(Self.run(samples, limits: Self.unlimited).isEmpty)
    }

    @Test func cpuThrottledInEveryPeriodStartsFromTheCounterRise() throws {
        // 20 CFS periods of 100 ms between two samples 2 s apart; throttled in every one of them.
        let samples = (0..<6).map { Self.sample($0, throttled: Int64($0) * 20) }
        let changes = Self.run(samples)
        #expect(changes.map(\.index) == [3])
        let start = try #require(changes.first?.change)
        #expect(start.resource == .cpu && start.phase == .start)
        #expect(start.ratio == 1)
        #expect(start.limit == 0.1)
        #expect(start.throttledPeriods == 60 && start.periods == 60)
        #expect(start.cpuPercentOfLimit == 10)
    }

    @Test func cpuThrottledInAFewPeriodsIsNotPressure() {
        // 4 of 20 periods throttled: 20 %, under the 50 % that starts an episode.
        #expect(Self.run((0..<8).map { Self.sample($0, throttled: Int64($0) * 4) }).isEmpty)
    }

    @Test func pidsNearTheLimitAndMemoryAtOnceAreTwoResourcesActiveTogether() throws {
        var samples = (0..<3).map { Self.sample($0, memoryPercent: 95, pids: 19) }
        samples += (3..<6).map { Self.sample($0, memoryPercent: 50, pids: 19) }
        let changes = Self.run(samples)
        #expect(changes.map(\.change.resource) == [.memory, .pids, .memory])
        #expect(changes.map(\.change.phase) == [.start, .start, .end])
        #expect(changes[1].change.value == 19 && changes[1].change.limit == 20)
        #expect(changes[1].change.active == [.memory, .pids])
        #expect(changes[2].change.active == [.pids])
    }

    @Test func theRowIsKeyedByRunResourcePhaseAndEpisode() throws {
        let change = try #require(Self.run((0..<3).map { Self.sample($0, pids: 20) }).first?.change)
        let inspect = try ContainerInspect.decode(Data(#"{"Id":"c1","Name":"/forker","Config":{"Image":"busybox"},"State":{},"HostConfig":{}}"#.utf8))
        let record = EventRecord.pressure(change, of: inspect, timeNanos: 5)
        #expect(record.kind == .pidsPressure)
        #expect(record.deduplicationKey == "pids_pressure|c1|42|start|\(Self.sample(0).timeNanos)")
        #expect(EventRecord.Pressure.decode(record) == change)
        #expect(IncidentFold.trigger(record, before: nil) == .pidsPressure)
    }
}

/// A recorder restarted while a container was under pressure takes the open episode up again (issue 18: the pressure
/// ended while no recorder ran, and the incident stayed open forever; pressure that persisted was started twice).
@Suite struct PressureResumeTests {
    static func episode(_ resource: EventRecord.Pressure.Resource, _ phase: EventRecord.Pressure.Phase, since: Int64, started: Int64 = 42, active: [EventRecord.Pressure.Resource]) -> EventRecord.Pressure {
        EventRecord.Pressure(
            resource: resource, phase: phase, value: 30, limit: 32, ratio: 0.94, threshold: 0.9, peakRatio: 0.96, samples: 3, windowNanos: 4_000_000_000,
            sinceNanos: since, source: "memory.current", active: active, startedNanos: started)
    }

    @Test func aResumedEpisodeEndsOnceAndPersistentPressureIsNotStartedAgain() throws {
        var ending = PressureDetector(startedNanos: 42)
        ending.resume([Self.episode(.memory, .start, since: 7, active: [.memory])])
        let changes = (0..<6).flatMap { ending.observe(PressureDetectorTests.sample($0, memoryPercent: 50), limits: PressureDetectorTests.limited) }
        #expect(changes.map(\.phase) == [.end])
        #expect(changes.first?.sinceNanos == 7, "the end names the episode the earlier recorder began")
        #expect(changes.first?.active == [])
        var persisting = PressureDetector(startedNanos: 42)
        persisting.resume([Self.episode(.memory, .start, since: 7, active: [.memory])])
        #expect((0..<6).flatMap { persisting.observe(PressureDetectorTests.sample($0, memoryPercent: 95), limits: PressureDetectorTests.limited) }.isEmpty)
        // An episode of an earlier run of the container is not this run's.
        var restarted = PressureDetector(startedNanos: 43)
        restarted.resume([Self.episode(.memory, .start, since: 7, active: [.memory])])
        #expect((0..<6).flatMap { restarted.observe(PressureDetectorTests.sample($0, memoryPercent: 50), limits: PressureDetectorTests.limited) }.isEmpty)
    }

    @Test func theStoreAnswersWhichEpisodesOfARunAreStillOpen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        func row(_ pressure: EventRecord.Pressure, at time: Int64) -> EventRecord {
            let payload = String(decoding: try! JSONEncoder().encode(pressure), as: UTF8.self)
            return EventRecord(
                timeNanos: time, kind: pressure.resource.eventKind, containerID: "c1", deduplicationKey: "p|\(time)", payload: payload)
        }
        #expect(try store.openPressureEpisodes(containerID: "c1", startedNanos: 42).isEmpty)
        _ = try store.append(contentsOf: [
            row(Self.episode(.memory, .start, since: 10, active: [.memory]), at: 10),
            row(Self.episode(.pids, .start, since: 20, active: [.memory, .pids]), at: 20),
            row(Self.episode(.memory, .end, since: 10, active: [.pids]), at: 30),
        ])
        let open = try store.openPressureEpisodes(containerID: "c1", startedNanos: 42)
        #expect(open.map(\.resource) == [.pids])
        #expect(open.first?.sinceNanos == 20)
        #expect(try store.openPressureEpisodes(containerID: "c1", startedNanos: 99).isEmpty, "another run's episodes are not open in this one")
        _ = try store.append(row(Self.episode(.pids, .end, since: 20, active: []), at: 40))
        #expect(try store.openPressureEpisodes(containerID: "c1", startedNanos: 42).isEmpty)
    }
}
