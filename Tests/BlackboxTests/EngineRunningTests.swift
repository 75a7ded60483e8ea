import BlackboxStore
import Foundation
import Playbooks
import Testing

/// Problems inside containers that keep running (issue 18, class 3), on the private engine: the kernel produces the
/// pressure (a tmpfs file charged to a 32 MiB memory cgroup, a busy loop under `--cpus 0.1`, sleeping children under
/// `--pids-limit 20`, a 20 MiB volume (a local volume on tmpfs) filled to 97.5 %); the recorder's samples decide it, and each opens a warning incident with no `die`, diagnosed by
/// its own playbook; so does a burst of error lines in a running container's logs, its secret redacted. An idle
/// container with the same limits opens nothing.
@Suite(.serialized, .enabled(if: TestEngine.available, TestEngine.skipReason))
struct EngineRunningTests {
    @Test func memoryCPUAndPidsPressureOpenWarningsWithoutADie() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let memory = TestEngine.uniqueName("cache")
        let cpu = TestEngine.uniqueName("burner")
        let pids = TestEngine.uniqueName("forker")
        let burst = TestEngine.uniqueName("worker")
        let idle = TestEngine.uniqueName("idle")
        let disk = TestEngine.uniqueName("filler")
        defer {
            _ = try? TestEngine.docker("rm", "-f", memory, cpu, pids, burst, idle, disk)
            _ = try? TestEngine.docker("volume", "rm", "-f", disk)
        }
        try TestEngine.docker("volume", "create", "--opt", "type=tmpfs", "--opt", "device=tmpfs", "--opt", "o=size=20m", disk)
        let recorder = try RecorderProcess(storePath: directory.storePath)
        // 30 MiB in /dev/shm: shared memory is charged to the container's cgroup and cannot be reclaimed without swap.
        try TestEngine.docker(
            "run", "-d", "--name", memory, "--memory", "32m", "--memory-swap", "32m", "--shm-size", "64m", TestEngine.image, "sh", "-c",
            "dd if=/dev/zero of=/dev/shm/fill bs=1048576 count=30 && echo filled && sleep 300")
        try TestEngine.docker("run", "-d", "--name", cpu, "--cpus", "0.1", TestEngine.image, "sh", "-c", "while :; do :; done")
        try TestEngine.docker(
            "run", "-d", "--name", pids, "--pids-limit", "20", TestEngine.image, "sh", "-c", "i=0; while [ $i -lt 18 ]; do sleep 300 & i=$((i+1)); done; wait")
        // An application's error lines, printed by a busybox script; one carries a secret that must never be stored.
        try TestEngine.docker(
            "run", "-d", "--name", burst, TestEngine.image, "sh", "-c",
            #"sleep 1; i=0; while [ $i -lt 6 ]; do echo "job $i failed"; i=$((i+1)); sleep 0.2; done; echo "login failed with password=hunter2secret"; echo "ERROR could not connect to db:5432: connection refused" >&2; sleep 300"#)
        try TestEngine.docker(
            "run", "-d", "--name", disk, "-v", "\(disk):/data", TestEngine.image, "sh", "-c",
            "dd if=/dev/zero of=/data/fill bs=1048576 count=19 && dd if=/dev/zero of=/data/more bs=524288 count=1 && sleep 300")
        try TestEngine.docker(
            "run", "-d", "--name", idle, "--memory", "32m", "--cpus", "0.1", "--pids-limit", "20", TestEngine.image, "sleep", "300")
        let store = try EventStore(path: directory.storePath, readOnly: true)
        func incident(_ name: String) throws -> IncidentState? {
            try store.latestIncident(containerIDs: try store.containerIDs(matching: name))
        }
        let opened = try TestEngine.wait(seconds: 45) {
            try [memory, cpu, pids, burst, disk].allSatisfy { name in try incident(name).map { try store.bestMatches(incidentIDs: [$0.id ?? 0]).isEmpty == false } ?? false }
        }
        // The memory pressure ends when the limit is raised (no new process in the full cgroup: an exec would be the
        // OOM killer's victim): one `end` row, and the incident's stable clock runs.
        try TestEngine.docker("update", "--memory", "64m", "--memory-swap", "64m", memory)
        let memoryRows = { try store.events(EventFilter(containerIDs: try store.containerIDs(matching: memory))).compactMap(EventRecord.Pressure.decode) }
        let ended = try TestEngine.wait(seconds: 15) { try memoryRows().contains { $0.phase == .end } }
        #expect(ended, "no memory_pressure end after the file was removed")
        #expect(try memoryRows().map(\.phase) == [.start, .end])
        #expect(try incident(memory)?.stableSinceNanos != nil)
        let (status, stderr) = recorder.stop()
        #expect(status == 0, "record exited \(status):\n\(stderr)")
        #expect(opened, "not every pressure opened a diagnosed incident:\n\(stderr)")
        let best = try store.bestMatches()
        let expected: [(String, String, String, [String], [String])] = [
            (memory, "memory_pressure", "memory-near-limit", ["of its memory limit of 32MiB"], ["docker update --memory 64m --memory-swap 64m \(memory)"]),
            (cpu, "cpu_pressure", "cpu-throttled", ["CPU limit of 0.1 CPUs", "nr_throttled"], ["docker update --cpus 0.2 \(cpu)"]),
            (pids, "pids_pressure", "pids-near-limit", ["of its process limit of 20 (`--pids-limit`)"], ["docker update --pids-limit 40 \(pids)"]),
            (
                disk, "disk_pressure", "disk-near-full", ["the filesystem of /data 98 % full: 19.5MiB of 20MiB used, 512KiB left", "It is the volume \(disk) ("],
                ["docker exec \(disk) du -xsh /data"]
            ),
            (
                burst, "error_burst", "error-burst", ["keeps running but wrote a burst of", "the most informative: ERROR could not connect to db:5432: connection refused"],
                ["docker logs --since 10m \(burst)"]
            ),
        ]
        for (name, trigger, playbook, diagnosis, fix) in expected {
            let found = try #require(try incident(name), "\(name) has no incident")
            #expect(found.trigger == trigger, "\(name): \(found.triggerKinds)")
            #expect(found.exitCode == nil)
            #expect(found.status(now: Int64(Date().timeIntervalSince1970 * 1e9), policy: IncidentPolicy()) == .open)
            let match = try #require(best[found.id ?? 0], "\(name) has no diagnosis")
            #expect(match.playbookID == playbook)
            #expect(match.severity == "warning")
            for text in diagnosis { #expect(match.diagnosis.contains(text), "\(name): \(match.diagnosis)") }
            for text in fix { #expect(match.fix.contains(text), "\(name): \(match.fix)") }
            let rows = try store.events(EventFilter(containerIDs: try store.containerIDs(matching: name))).filter { $0.kind.rawValue == trigger }
            // A `start` row is the trigger; an `end` is none.
            let starts = rows.filter { IncidentFold.trigger($0, before: nil) != nil }
            #expect(starts.count == 1, "one row when it starts, none per sample: \(rows.count) rows")
            #expect(try store.events(EventFilter(containerIDs: try store.containerIDs(matching: name))).allSatisfy { $0.action != "die" })
        }
        let burstRows = try store.events(EventFilter(containerIDs: try store.containerIDs(matching: burst))).filter { $0.kind == .errorBurst }
        #expect(burstRows.allSatisfy { !$0.payload.contains("hunter2secret") }, "a secret in a log line reached the store")
        #expect(burstRows.first?.payload.contains("password=<redacted:8-15>") == true, "\(burstRows.first?.payload ?? "no burst row")")
        #expect(try incident(idle) == nil, "the idle container opened an incident")
        let idleRows = try store.events(EventFilter(containerIDs: try store.containerIDs(matching: idle)))
        #expect(idleRows.allSatisfy { !$0.kind.isWarning })

        let shown = try BlackboxBinary.run(["incident", "show", memory, "--db", directory.storePath])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("[memory-near-limit, warning]"), "\(shown.stdout)")
        #expect(shown.stdout.contains("memory pressure"), "the timeline shows the pressure row:\n\(shown.stdout)")
    }
}
