import BlackboxStore
import DockerEngine
import Foundation
import Testing

/// End to end: the real `blackbox record` against the private engine, real containers, then the store.
@Suite(.serialized, .enabled(if: TestEngine.available, TestEngine.skipReason))
struct EngineRecordingTests {
    /// Records while `scenario` runs until `done` holds on the store, stops the recorder with SIGTERM
    /// (which must exit 0), and returns the store for reading.
    private func record(_ scenario: () throws -> Void, until done: (EventStore) throws -> Bool) throws -> (EventStore, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        let recorder = try RecorderProcess(storePath: directory.storePath)
        try scenario()
        let store = try EventStore(path: directory.storePath, readOnly: true)
        let finished = try TemporaryDirectory.waitForStore { try done(store) }
        let (status, stderr) = recorder.stop()
        #expect(finished, "the store never showed what the scenario should have recorded; recorder log:\n\(stderr)")
        #expect(status == 0, "record exited \(status) after SIGTERM:\n\(stderr)")
        return (store, directory)
    }

    private func events(_ store: EventStore, _ name: String) throws -> [EventRecord] {
        let ids = try store.containerIDs(matching: name)
        return ids.isEmpty ? [] : try store.events(EventFilter(containerIDs: ids))
    }

    @Test func aContainerThatExitsZero() throws {
        let name = TestEngine.uniqueName("ok")
        let (store, directory) = try record({
            try TestEngine.docker("run", "--name", name, TestEngine.image, "sh", "-c", "echo hello from blackbox")
        }, until: { store in try events(store, name).contains { $0.kind == .logTail } })
        defer { directory.remove() }
        let recorded = try events(store, name)
        let die = try #require(recorded.first { $0.action == "die" })
        #expect(die.exitCode == 0)
        #expect(["create", "start", "die"].allSatisfy { action in recorded.contains { $0.action == action } })
        let tail = try #require(recorded.first { $0.kind == .logTail })
        #expect(tail.payload.contains("hello from blackbox"))
        #expect(recorded.contains { $0.kind == .inspect })
        let container = try #require(try store.containers().first { $0.name == name })
        #expect(container.status == "exited")
        #expect(container.exitCode == 0)

        let cli = try BlackboxBinary.run(["events", "--db", directory.storePath, "--container", name])
        #expect(cli.status == 0)
        #expect(cli.stdout.contains("container die") && cli.stdout.contains("exitCode=0"))
        let ps = try BlackboxBinary.run(["ps", "--all", "--db", directory.storePath])
        #expect(ps.stdout.contains(name) && ps.stdout.contains("Exited (0)"))
        try TestEngine.docker("rm", "-f", name)
    }

    @Test func anOOMKilledContainer() throws {
        let name = TestEngine.uniqueName("oom")
        let (store, directory) = try record({
            try TestEngine.docker("run", "-d", "--name", name, "--memory", "32m", "--memory-swap", "32m", TestEngine.image, "sh", "-c", TestEngine.growUntilOOM)
        }, until: { store in
            try events(store, name).contains { $0.kind == .inspect && $0.exitCode == 137 }
        })
        defer { directory.remove() }
        let recorded = try events(store, name)
        #expect(recorded.contains { $0.action == "oom" })
        let die = try #require(recorded.first { $0.action == "die" })
        #expect(die.exitCode == 137)
        let snapshot = try #require(recorded.last { $0.kind == .inspect && $0.seq! > die.seq! } ?? recorded.last { $0.kind == .inspect })
        let inspect = try ContainerInspect.decode(Data(snapshot.payload.utf8))
        #expect(inspect.state.oomKilled)
        let samples = try store.samples(containerIDs: store.containerIDs(matching: name))
        #expect(samples.count >= 3)
        let limit = Int64(32 * 1024 * 1024)
        #expect(samples.allSatisfy { $0.memoryLimitBytes == limit })
        // The shell needs twice its string while it copies it, so the sampled peak is about half the limit when
        // the copy is killed (measured 14.5–16.1 MiB of 32 MiB); the samples must show the climb towards it.
        let peak = samples.map(\.memoryWorkingSetBytes).max() ?? 0
        #expect(peak >= limit * 2 / 5, "peak working set \(peak) bytes never came near the \(limit)-byte limit")
        #expect(peak > 3 * (samples.first?.memoryWorkingSetBytes ?? peak), "the samples do not show the memory growing")
        #expect(try store.containers().first { $0.name == name }?.oomKilled == true)
        try TestEngine.docker("rm", "-f", name)
    }

    @Test func aStartThatFailsOnATakenHostPort() throws {
        let holder = TestEngine.uniqueName("holder")
        let name = TestEngine.uniqueName("conflict")
        let port = String(Int.random(in: 20000...40000))
        let (store, directory) = try record({
            try TestEngine.docker("run", "-d", "--name", holder, "-p", "\(port):80", TestEngine.image, "sleep", "300")
            let failed = try TestEngine.docker("run", "-d", "--name", name, "-p", "\(port):80", TestEngine.image, "sleep", "300")
            #expect(failed.status != 0)
        }, until: { store in try events(store, name).contains { $0.kind == .startFailure } })
        defer { directory.remove() }
        let failure = try #require(try events(store, name).first { $0.kind == .startFailure })
        let document = try JSONDecoder().decode(EventRecord.StartFailure.self, from: Data(failure.payload.utf8))
        #expect(document.error.contains("port is already allocated"))
        #expect(document.error.contains(port))
        #expect(!(try events(store, name).contains { $0.action == "start" }))
        let container = try #require(try store.containers().first { $0.name == name })
        #expect(container.status == "created")
        #expect(container.error == document.error)
        try TestEngine.docker("rm", "-f", holder, name)
    }

    @Test func aWriteToAReadOnlyBindMount() throws {
        let name = TestEngine.uniqueName("rofail")
        let mount = try TemporaryDirectory()
        defer { mount.remove() }
        let (store, directory) = try record({
            try TestEngine.docker(
                "run", "--name", name, "-v", "\(mount.url.path):/data:ro", TestEngine.image, "sh", "-c", "echo writing; echo x > /data/state")
        }, until: { store in try events(store, name).contains { $0.kind == .logTail } })
        defer { directory.remove() }
        let recorded = try events(store, name)
        #expect(recorded.first { $0.action == "die" }?.exitCode == 1)
        let tail = try #require(recorded.first { $0.kind == .logTail })
        let document = try JSONDecoder().decode(EventRecord.LogTail.self, from: Data(tail.payload.utf8))
        #expect(document.captured)
        #expect(document.lines.contains { $0.stream == .stderr && $0.text.contains("Read-only file system") })
        #expect(document.lines.contains { $0.stream == .stdout && $0.text == "writing" })
        try TestEngine.docker("rm", "-f", name)
    }

    @Test func samplesShowMemoryAndCPULimits() throws {
        let name = TestEngine.uniqueName("limited")
        let (store, directory) = try record({
            try TestEngine.docker("run", "-d", "--name", name, "--memory", "64m", "--cpus", "0.5", TestEngine.image, "sh", "-c", "while :; do :; done")
        }, until: { store in
            let ids = try store.containerIDs(matching: name)
            guard !ids.isEmpty else { return false }
            return try store.samples(containerIDs: ids).filter { $0.cpuPercent != nil }.count >= 4
        })
        defer { directory.remove() }
        let samples = try store.samples(containerIDs: store.containerIDs(matching: name)).filter { $0.cpuPercent != nil }
        #expect(samples.allSatisfy { $0.memoryLimitBytes == 64 * 1024 * 1024 })
        #expect(samples.allSatisfy { $0.memoryWorkingSetBytes > 0 && $0.pids >= 1 })
        // A busy loop under --cpus 0.5 runs at about half a CPU: about 100 % of its own limit.
        let busy = samples.dropFirst().map { $0.cpuPercentOfLimit ?? 0 }
        #expect(busy.contains { $0 > 60 }, "CPU % of limit: \(busy)")
        #expect(samples.dropFirst().allSatisfy { ($0.cpuPercent ?? 0) < 80 }, "a 0.5-CPU container above 80 % of one CPU")
        let stats = try BlackboxBinary.run(["stats", name, "--db", directory.storePath])
        #expect(stats.status == 0)
        #expect(stats.stdout.contains("/ 64MiB"))
        try TestEngine.docker("rm", "-f", name)
    }

    /// `docker update` sends an `update` event with no values: the recorder snapshots the container, the timeline
    /// shows old → new from the snapshots around it, and the running sampler takes the new CPU limit.
    @Test func aDockerUpdateShowsWhatItChangedAndTheSamplerFollows() throws {
        let name = TestEngine.uniqueName("updated")
        let (store, directory) = try record({
            try TestEngine.docker("run", "-d", "--name", name, "--memory", "64m", "--cpus", "0.5", TestEngine.image, "sh", "-c", "while :; do :; done")
            Thread.sleep(forTimeInterval: 3)
            try TestEngine.docker("update", "--memory", "128m", "--memory-swap", "256m", "--cpus", "0.25", "--pids-limit", "50", name)
        }, until: { store in
            let ids = try store.containerIDs(matching: name)
            guard !ids.isEmpty else { return false }
            return try store.samples(containerIDs: ids).filter { $0.memoryLimitBytes == 128 * 1024 * 1024 && $0.cpuPercent != nil }.count >= 4
        })
        defer { directory.remove() }
        let recorded = try events(store, name)
        let update = try #require(recorded.first { $0.action == "update" })
        #expect(recorded.contains { $0.kind == .inspect && $0.deduplicationKey == update.deduplicationKey.map { "inspect|" + $0.dropFirst("engine|".count) } })
        let timeline = try BlackboxBinary.run(["timeline", name, "--db", directory.storePath])
        #expect(timeline.status == 0)
        for change in ["memory 64MiB → 128MiB", "memory-swap 128MiB → 256MiB", "cpus 0.5 → 0.25", "pids-limit none → 50"] {
            #expect(timeline.stdout.contains(change), "\(change) not in \(timeline.stdout)")
        }
        // A busy loop under --cpus 0.25 runs at about a quarter of a CPU: near 100 % of the new limit, which the old
        // limit (0.5) would have read as at most 50 %.
        let after = try store.samples(containerIDs: store.containerIDs(matching: name)).filter { $0.memoryLimitBytes == 128 * 1024 * 1024 }.dropFirst()
        #expect(after.contains { ($0.cpuPercentOfLimit ?? 0) > 60 }, "CPU % of limit after the update: \(after.map { $0.cpuPercentOfLimit ?? 0 })")
        try TestEngine.docker("rm", "-f", name)
    }

    @Test func credentialsInTheEnvironmentNeverReachTheFile() throws {
        let name = TestEngine.uniqueName("secret")
        let secret = "s3cr3t-\(UUID().uuidString)"
        let (store, directory) = try record({
            try TestEngine.docker(
                "run", "--name", name, "-e", "API_TOKEN=\(secret)", "-e", "DB_PASSWORD=\(secret)", "--label", "com.example.api-key=\(secret)",
                TestEngine.image, "sh", "-c", "exit 0")
        }, until: { store in try events(store, name).contains { $0.kind == .logTail } })
        defer { directory.remove() }
        let snapshots = try events(store, name).filter { $0.kind == .inspect }
        #expect(!snapshots.isEmpty)
        #expect(snapshots.allSatisfy { $0.payload.contains("API_TOKEN=<redacted:32-63>") && $0.payload.contains("DB_PASSWORD=<redacted:32-63>") })
        for suffix in ["", "-wal", "-shm"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: directory.storePath + suffix))) ?? Data()
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "the secret is in blackbox.sqlite\(suffix)")
        }
        try TestEngine.docker("rm", "-f", name)
    }
}

extension TemporaryDirectory {
    /// Waits up to 45 s for the recorder's writes to show `done`.
    static func waitForStore(_ done: () throws -> Bool) throws -> Bool {
        try TestEngine.wait(seconds: 45, until: done)
    }
}
