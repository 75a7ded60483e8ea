import BlackboxCore
import BlackboxStore
import DockerEngine
import Foundation
import Playbooks
@testable import Recorder
import Testing

/// The kernel's OOM counters (issue 17): read from cgroup v1 and v2 files, turned into `kernel_oom` observations when
/// they rise, stored with the samples, and enough on their own for the OOM playbooks when the engine says nothing.
@Suite struct KernelOOMTests {
    static func fixture(_ path: String) -> String { Fixtures.directory.appending(path: path).path }

    static func v1Paths() -> CgroupPaths {
        let root = fixture("cgroup-v1")
        return .v1(memory: root + "/memory", cpu: root + "/cpu", cpuacct: root + "/cpuacct", pids: root + "/pids", blkio: root + "/blkio")
    }

    @Test func readsV1CountersFromOOMControlAndFailcnt() throws {
        let sampler = CgroupSampler(procRoot: Self.fixture("cgroup-v1/proc"))
        let file = Self.fixture("cgroup-v1") + "/memory/memory.oom_control"
        let expected = OOMCounters(kills: 1, ooms: nil, limitHits: 0, file: file)
        #expect(try sampler.oomCounters(Self.v1Paths()) == expected)
        #expect(try sampler.read(Self.v1Paths(), pid: 30842).oom == expected)
    }

    @Test func readsV2CountersFromMemoryEvents() throws {
        let scope = Self.fixture("cgroup-v2/docker-\(CgroupSamplerTests.v2ID).scope")
        let reading = try CgroupSampler(procRoot: Self.fixture("cgroup-v2/proc")).read(.v2(scope), pid: 4242)
        #expect(reading.oom == OOMCounters(kills: 2, ooms: 3, limitHits: 412, file: scope + "/memory.events"))
        let sample = ResourceSample(containerID: CgroupSamplerTests.v2ID, current: reading, previous: nil, cpuLimit: nil)
        #expect(sample.oomKills == 2)
        #expect(sample.ooms == 3)
        #expect(sample.memoryLimitHits == 412)
    }

    @Test func aKernelWithoutTheKillCounterStillGivesEveryOtherReading() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let memory = directory.url.appending(path: "memory")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.fixture("cgroup-v1/memory")), to: memory)
        // Linux before 4.13: no oom_kill line.
        try "oom_kill_disable 0\nunder_oom 0\n".write(to: memory.appending(path: "memory.oom_control"), atomically: true, encoding: .utf8)
        let root = Self.fixture("cgroup-v1")
        let paths = CgroupPaths.v1(memory: memory.path, cpu: root + "/cpu", cpuacct: root + "/cpuacct", pids: root + "/pids", blkio: root + "/blkio")
        let sampler = CgroupSampler(procRoot: root + "/proc")
        #expect(throws: CgroupError.malformed(path: memory.path + "/memory.oom_control", reason: "no oom_kill line (Linux 4.13 or later has one)")) {
            try sampler.oomCounters(paths)
        }
        let reading = try sampler.read(paths, pid: 30842)
        #expect(reading.oom == nil)
        #expect(reading.memoryUsageBytes > 0)
    }

    @Test func aWatchFromTheStartReportsTheFirstKillAndEachRiseOnce() {
        var watch = OOMCounterWatch(startedNanos: 5, fromStart: true)
        let zero = OOMCounters(kills: 0, ooms: 0, limitHits: 10, file: "/cg/memory.events")
        let one = OOMCounters(kills: 1, ooms: 1, limitHits: 30, file: "/cg/memory.events")
        let three = OOMCounters(kills: 3, ooms: 2, limitHits: 31, file: "/cg/memory.events")
        #expect(watch.observe(zero) == nil)
        #expect(watch.observe(one) == .init(before: zero, after: one))
        #expect(watch.observe(one) == nil, "the same value again is no new kill")
        #expect(watch.observe(three) == .init(before: one, after: three))

        var killedBeforeTheFirstReading = OOMCounterWatch(startedNanos: 5, fromStart: true)
        let rise = killedBeforeTheFirstReading.observe(one)
        #expect(rise?.before == OOMCounters(kills: 0, ooms: 0, limitHits: 0, file: "/cg/memory.events"))
        #expect(rise?.after == one)
    }

    @Test func aWatchBegunMidRunTakesItsFirstReadingAsTheBaseline() {
        var watch = OOMCounterWatch(startedNanos: 5, fromStart: false)
        let two = OOMCounters(kills: 2, ooms: nil, limitHits: 7, file: "/cg/memory.oom_control")
        let four = OOMCounters(kills: 4, ooms: nil, limitHits: 9, file: "/cg/memory.oom_control")
        #expect(watch.observe(two) == nil, "kills before the recorder watched cannot be placed in time")
        #expect(watch.observe(four) == .init(before: two, after: four))
    }

    @Test func aRiseIsAKernelOOMRowKeyedByRunAndValue() throws {
        let inspect = try ContainerInspect.decode(Fixtures.data("inspect-fx-oom.json"))
        let before = OOMCounters(kills: 0, ooms: nil, limitHits: 0, file: "/sys/fs/cgroup/memory/docker/x/memory.oom_control")
        var after = before
        after.kills = 1
        after.limitHits = 12
        let rise = EventRecord.KernelOOM(before: before, after: after, cgroup: "v1", readAt: "die", startedNanos: 77)
        let record = EventRecord.kernelOOM(rise, of: inspect, timeNanos: 1_000)
        #expect(record.kind == .kernelOOM)
        #expect(record.containerID == inspect.id)
        #expect(record.deduplicationKey == "kernel_oom|\(inspect.id)|77|1")
        let payload = try #require(JSONValue.parse(record.payload))
        #expect(payload[path: "oom_kills_before"] == .number(0))
        #expect(payload[path: "oom_kills_after"] == .number(1))
        #expect(payload[path: "mem_limit_hits_after"] == .number(12))
        #expect(payload[path: "file"] == .string("/sys/fs/cgroup/memory/docker/x/memory.oom_control"))
        #expect(payload[path: "read_at"] == .string("die"))
        #expect(IncidentFold.trigger(record, before: nil) == .oom)
    }

    @Test func theCountersAreStoredQueriedExportedAndImported() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        var sample = ResourceSample(
            containerID: "c1", timeNanos: 1_000, cpuPercent: nil, cpuPercentOfLimit: nil, cpuThrottledPeriods: 0, memoryUsageBytes: 10,
            memoryWorkingSetBytes: 10, memoryLimitBytes: 100, pids: 1, networkRxBytes: 0, networkTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0,
            oomKills: 2, ooms: nil, memoryLimitHits: 9)
        try store.append(samples: [sample])
        sample.timeNanos = 2_000
        sample.oomKills = nil
        sample.memoryLimitHits = nil
        try store.append(samples: [sample])
        let stored = try store.samples(containerIDs: ["c1"])
        #expect(stored.map(\.oomKills) == [2, nil])
        #expect(stored.map(\.memoryLimitHits) == [9, nil])
        let rows = try ReadOnlyQuery(path: directory.storePath).run("SELECT oom_kills, ooms, mem_limit_hits FROM v_samples ORDER BY ts_ns", timeout: 5)
        #expect(rows.rows == [[.integer(2), .null, .integer(9)], [.null, .null, .null]])
        let line = ExportFormat.line(stored[0])
        #expect(line.contains("\"oom_kills\":2") && line.contains("\"mem_limit_hits\":9") && !line.contains("\"ooms\""))
    }

    /// The captured session with the engine's own OOM signals stripped (its `oom` events, `State.OOMKilled`) and the
    /// kernel counter's rise the recorder reads in their place: the main process's kill at its `die`, and a rise while
    /// `fx-limited` keeps running.
    static func strippedSession(into store: EventStore) throws {
        let redactor = CredentialRedactor()
        func snapshot(_ name: String) throws -> Data {
            let text = String(decoding: try Fixtures.data("inspect-\(name).json"), as: UTF8.self)
            return Data(text.replacingOccurrences(of: "\"OOMKilled\":true", with: "\"OOMKilled\":false").utf8)
        }
        let oom = try ContainerInspect.decode(try snapshot("fx-oom"))
        let limited = try ContainerInspect.decode(try snapshot("fx-limited"))
        #expect(!oom.state.oomKilled)
        let counterFile = "/sys/fs/cgroup/memory/docker/\(oom.id)/memory.oom_control"
        let zero = OOMCounters(kills: 0, ooms: nil, limitHits: 0, file: counterFile)
        let one = OOMCounters(kills: 1, ooms: nil, limitHits: 3, file: counterFile)
        var lastTime: Int64 = 0
        for line in try Fixtures.eventLines() {
            let event = redactor.redact(try EngineEvent.decode(line: line))
            guard event.baseAction != "oom" else { continue }
            lastTime = max(lastTime, event.timeNano)
            try store.append(.engine(event))
            if event.baseAction == "die", event.containerID == oom.id {
                try store.append(
                    .kernelOOM(.init(before: zero, after: one, cgroup: "v1", readAt: "die", startedNanos: 1), of: oom, timeNanos: event.timeNano + 1))
                try store.append(
                    .inspect(oom, redactedJSON: try #require(redactor.redactInspect(try snapshot("fx-oom"))), timeNanos: event.timeNano + 2, trigger: "fx-oom"))
            }
        }
        var child = one
        child.file = "/sys/fs/cgroup/memory/docker/\(limited.id)/memory.oom_control"
        var childZero = zero
        childZero.file = child.file
        try store.append(
            .kernelOOM(.init(before: childZero, after: child, cgroup: "v1", readAt: "sample", startedNanos: 2), of: limited, timeNanos: lastTime + 1_000_000_000))
    }

    @Test func withTheEnginesOOMSignalsStrippedTheKernelCounterStillDiagnosesPID1AndChildKills() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        try Self.strippedSession(into: store)
        #expect(try store.events(EventFilter()).allSatisfy { $0.action != "oom" })
        let diagnoser = IncidentDiagnoser(store: store, playbooks: PlaybookLibrary.builtIn.playbooks, lookups: NoLookups())
        for incident in try store.incidents() { try diagnoser.diagnose(incident) }
        let incidents = Dictionary(try store.incidents().map { ($0.containerName ?? "", $0) }, uniquingKeysWith: { $1 })

        let killed = try #require(incidents["fx-oom"])
        #expect(killed.triggerKinds.contains("oom"))
        let killedMatches = try store.matches(incidentID: try #require(killed.id))
        #expect(killedMatches.first?.playbookID == "oom-kill")
        let evidence = try #require(killedMatches.first.flatMap { JSONValue.parse($0.evidence) })
        #expect(evidence[path: "oom_events"] == .number(0), "no engine event said it")
        #expect(evidence[path: "inspect_oom_killed"] == .bool(false), "nor did inspect")
        #expect(evidence[path: "kernel_oom_kills"] == .number(1), "the kernel's counter did")
        #expect(evidence[path: "kernel_oom_counter_file"]?.stringValue?.hasSuffix("/memory.oom_control") == true)

        let child = try #require(incidents["fx-limited"])
        #expect(child.triggerKinds == ["oom"])
        let childMatches = try store.matches(incidentID: try #require(child.id))
        #expect(childMatches.first?.playbookID == "oom-child")
        #expect(childMatches.first.flatMap { JSONValue.parse($0.evidence) }?[path: "kernel_oom_kills"] == .number(1))
    }

    @Test func theObservationPredicateAndEvidenceAreCheckedLikeTheRest() {
        let good = """
            id: kernel
            title: t
            severity: info
            match: {observation: {kind: kernel_oom}}
            evidence:
              kills: {observation: {kind: kernel_oom, field: oom_kills_after}}
              rises: {observation: {kind: kernel_oom}}
            diagnosis: "{{kills}} {{rises}}"
            fix: ok
            """
        let (playbook, problems) = PlaybookParser.parse(yaml: good, file: "k.yaml")
        #expect(problems.isEmpty, "\(problems)")
        #expect(playbook != nil)
        let bad = """
            id: kernel
            title: t
            severity: info
            match: {observation: {kind: kernel_panic}}
            evidence:
              kills: {observation: {kind: kernel_oom, field: oom_kills_after, other: 1}}
            diagnosis: ok
            fix: ok
            """
        #expect(PlaybookParser.parse(yaml: bad, file: "k.yaml").diagnostics.map(\.description) == [
            "k.yaml:4: error: unknown observation kind 'kernel_panic': use kernel_oom, memory_pressure, cpu_pressure, pids_pressure, disk_pressure, error_burst, start_failure, inspect, log_tail, reconciled_exit, reconciled_create, reconciled_start, reconciled_restart, reconciled_remove",
            "k.yaml:6: error: unknown key 'other' (expected one of: kind, field, capture)",
        ])
    }

    @Test func aV2NotifierWakesWhenMemoryEventsChangesAndAV1OneNeedsARealCgroup() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let events = directory.url.appending(path: "memory.events")
        try "oom 0\noom_kill 0\n".write(to: events, atomically: false, encoding: .utf8)
        let woke = DispatchSemaphore(value: 0)
        let notifier = try #require(OOMNotifier(.v2(directory.url.path), queue: DispatchQueue(label: "test")) { woke.signal() })
        defer { notifier.cancel() }
        let handle = try FileHandle(forWritingTo: events)
        try handle.write(contentsOf: Data("oom 1\noom_kill 1\n".utf8))
        try handle.close()
        #expect(woke.wait(timeout: .now() + 5) == .success, "no wake-up after memory.events changed")
        // A directory that is no memory cgroup has no cgroup.event_control to register with.
        #expect(OOMNotifier(Self.v1Paths(), queue: DispatchQueue(label: "test")) {} == nil)
    }
}
