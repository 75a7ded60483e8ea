import BlackboxStore
import Foundation
import GRDB
import Testing

/// The recorder's promise under trouble, on the private engine: an engine crash, a recorder killed mid-burst,
/// a stop signal. These tests crash and restart the engine, so `scripts/test` runs this suite alone, after the rest.
@Suite(.serialized, .enabled(if: TestEngine.available, TestEngine.skipReason))
struct EngineReliabilityTests {
    private func events(_ store: EventStore, _ name: String) throws -> [EventRecord] {
        let ids = try store.containerIDs(matching: name)
        return ids.isEmpty ? [] : try store.events(EventFilter(containerIDs: ids))
    }

    private func count(_ events: [EventRecord], _ kind: EventKind, _ action: String? = nil) -> Int {
        events.filter { $0.kind == kind && (action == nil || $0.action == action) }.count
    }

    /// Engine events stored more than once under different keys would show here: same time, action and actor.
    private func duplicateEngineEvents(_ path: String) throws -> Int {
        let queue = try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        return try queue.read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT count(*) - count(DISTINCT ts_ns || '|' || action || '|' || coalesce(actor_id, '')) FROM events WHERE kind = 'engine'") ?? -1
        }
    }

    private func integrityCheck(_ path: String) throws -> String {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "" }
    }

    @Test func changesWhileTheEngineIsDownAreReconciledOnce() throws {
        let restart = try #require(
            ProcessInfo.processInfo.environment["BLACKBOX_TEST_ENGINE_RESTART"], "scripts/test exports the engine's restart script")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let recorder = try RecorderProcess(storePath: directory.storePath)
        let store = try EventStore(path: directory.storePath, readOnly: true)
        let quitter = TestEngine.uniqueName("quitter")
        let looper = TestEngine.uniqueName("looper")
        let runner = TestEngine.uniqueName("runner")
        let late = TestEngine.uniqueName("late")
        try TestEngine.docker("run", "-d", "--name", quitter, TestEngine.image, "sh", "-c", "sleep 4; exit 3")
        try TestEngine.docker("run", "-d", "--name", looper, "--restart", "on-failure", TestEngine.image, "sh", "-c", "sleep 4; exit 1")
        try TestEngine.docker("run", "-d", "--name", runner, TestEngine.image, "sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait")
        #expect(try TestEngine.wait(seconds: 45) { try [quitter, looper, runner].allSatisfy { try count(events(store, $0), .engine, "start") == 1 } })

        // dockerd dies; containerd and the containers go on; two of them exit while nobody can tell.
        let crash = try ProcessRunner.run(URL(fileURLWithPath: restart), ["crash", "7"])
        #expect(crash.status == 0, "the engine did not come back: \(crash.stderr)")
        try TestEngine.docker("run", "--name", late, TestEngine.image, "sh", "-c", "exit 0")
        let settled = try TestEngine.wait(seconds: 60) {
            try count(events(store, late), .engine, "die") == 1 && count(events(store, quitter), .reconciledExit) == 1
                && store.blindWindows().contains { $0.reason == "disconnected" }
        }
        let status = try BlackboxBinary.run(["status", "--db", directory.storePath, "--json"])
        let (exit, stderr) = recorder.stop()
        #expect(settled, "the store never showed the reconnection; recorder log:\n\(stderr)")
        #expect(exit == 0)

        // Announced by nobody: the exit while dockerd was down, stored once, marked reconciled, with its code.
        let quitterEvents = try events(store, quitter)
        #expect(count(quitterEvents, .engine, "die") == 0)
        #expect(count(quitterEvents, .reconciledExit) == 1)
        #expect(quitterEvents.first { $0.kind == .reconciledExit }?.exitCode == 3)
        // The looper exited while down and the engine restarted it on its return: that exit's code is gone, its time is not.
        let looperEvents = try events(store, looper)
        let looperExit = try #require(looperEvents.first { $0.kind == .reconciledExit })
        #expect(looperExit.exitCode == nil)
        #expect(looperExit.payload.contains("\"restarted_since\":true"))
        #expect(count(looperEvents, .reconciledExit) == 1)
        // Announced by the engine on its return (it stops containers it finds running): stored as engine events, once.
        let runnerEvents = try events(store, runner)
        #expect(count(runnerEvents, .engine, "die") == 1)
        #expect(count(runnerEvents, .reconciledExit) == 0)
        let lateEvents = try events(store, late)
        #expect(count(lateEvents, .engine, "create") == 1 && count(lateEvents, .engine, "start") == 1)
        #expect(!lateEvents.contains { $0.kind.isReconciled })
        #expect(try duplicateEngineEvents(directory.storePath) == 0)

        let gap = try #require(try store.blindWindows().first { $0.reason == "disconnected" }?.gap)
        #expect(gap.untilNanos > gap.fromNanos)
        #expect((gap.reconciled ?? 0) >= 2)
        #expect(status.status == 0)
        #expect(status.stdout.contains("\"disconnected\""))
        for name in [quitter, looper, runner, late] { try TestEngine.docker("rm", "-f", name) }
    }

    @Test func aRecorderKilledMidBurstLosesNothingAndStoresNothingTwice() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let prefix = TestEngine.uniqueName("burst")
        let first = try RecorderProcess(storePath: directory.storePath)
        let store = try EventStore(path: directory.storePath, readOnly: true)
        let burst = Process()
        burst.executableURL = URL(fileURLWithPath: "/bin/bash")
        burst.arguments = [
            "-c",
            "for i in $(seq 1 200); do docker run -d --name \(prefix)-$i \(TestEngine.image) sh -c 'exit 0' >/dev/null & if (( i % 4 == 0 )); then wait; fi; done; wait",
        ]
        burst.environment = ProcessInfo.processInfo.environment.merging(["DOCKER_HOST": TestEngine.address ?? ""]) { $1 }
        burst.standardOutput = FileHandle.nullDevice
        burst.standardError = FileHandle.nullDevice
        try burst.run()
        func burstContainers() throws -> [ContainerState] { try store.containers().filter { $0.name?.hasPrefix(prefix + "-") == true } }

        #expect(try TestEngine.wait(seconds: 120) { try burstContainers().count >= 40 })
        kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()
        let second = try RecorderProcess(storePath: directory.storePath)

        // Readers never see "database is locked" while the recorder writes.
        var readFailures: [String] = []
        while burst.isRunning {
            for command in [["ps", "--all"], ["events", "--since", "5m"], ["incidents"], ["status"]] {
                let result = try BlackboxBinary.run(command + ["--db", directory.storePath])
                if result.status != 0 { readFailures.append("\(command): \(result.stderr)") }
            }
        }
        let all = try TestEngine.wait(seconds: 120) {
            try burstContainers().count == 200 && burstContainers().allSatisfy { $0.status == "exited" }
        }
        let (exit, stderr) = second.stop()
        let held = try burstContainers().count
        #expect(all, "the store holds \(held) of the 200 containers; recorder log:\n\(stderr)")
        #expect(exit == 0)
        #expect(readFailures.isEmpty, "\(readFailures)")
        #expect(try integrityCheck(directory.storePath) == "ok")
        #expect(try duplicateEngineEvents(directory.storePath) == 0)
        for container in try burstContainers() {
            let recorded = try store.events(EventFilter(containerIDs: [container.containerID]))
            let creates = count(recorded, .engine, "create") + count(recorded, .reconciledCreate)
            let exits = count(recorded, .engine, "die") + count(recorded, .reconciledExit)
            #expect(creates == 1 && exits == 1, "\(container.name ?? container.containerID): \(creates) creates, \(exits) exits")
        }
        let gaps = try store.blindWindows()
        #expect(gaps.contains { $0.reason == "recorder_crashed" }, "the restart after kill -9 records the blind window: \(gaps)")
        try TestEngine.docker("container", "prune", "-f")
    }

    @Test func sigtermExitsZeroWithinTwoSecondsWithTheLastEventsCommitted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let name = TestEngine.uniqueName("last")
        let recorder = try RecorderProcess(storePath: directory.storePath)
        try TestEngine.docker("run", "--name", name, TestEngine.image, "sh", "-c", "exit 5")
        Thread.sleep(forTimeInterval: 0.2)
        let started = Date()
        let (exit, stderr) = recorder.stop()
        let elapsed = Date().timeIntervalSince(started)
        #expect(exit == 0, "\(stderr)")
        #expect(elapsed < 2, "record took \(elapsed) s to stop")
        let store = try EventStore(path: directory.storePath, readOnly: true)
        let recorded = try events(store, name)
        #expect(recorded.contains { $0.action == "die" && $0.exitCode == 5 })
        #expect(try store.recordingStatus().lastLifecycle?.kind == .recorderStop)
        try TestEngine.docker("rm", "-f", name)
    }

    @Test func aSecondRecorderOnTheSameStoreRefuses() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let recorder = try RecorderProcess(storePath: directory.storePath)
        let second = try BlackboxBinary.run(["record", "--db", directory.storePath], environment: ["DOCKER_HOST": TestEngine.address ?? ""])
        #expect(second.status == 1)
        #expect(second.stderr.contains("another `blackbox record` is already recording"), "\(second.stderr)")
        #expect(recorder.stop().status == 0)
    }
}
