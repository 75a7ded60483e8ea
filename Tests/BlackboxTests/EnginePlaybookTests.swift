import BlackboxCore
import BlackboxStore
import Foundation
import Playbooks
import Testing

/// Each built-in playbook proven on the private engine: a real failure, recorded by the real `blackbox record`,
/// diagnosed by it as it happens, then read back through the store and `blackbox incident show`.
@Suite(.serialized, .enabled(if: TestEngine.available, TestEngine.skipReason))
struct EnginePlaybookTests {
    struct Diagnosis {
        var store: EventStore
        var directory: TemporaryDirectory
        var incident: IncidentState
        var matches: [PlaybookMatchRecord]

        var best: PlaybookMatchRecord? { matches.first }

        func evidence(_ name: String) -> JSONValue? {
            guard case .object(let values)? = best.flatMap({ JSONValue.parse($0.evidence) }) else { return nil }
            return values[name]
        }

        /// `blackbox incident show NAME` as a user sees it.
        func show(_ name: String) throws -> String {
            let result = try BlackboxBinary.run(["incident", "show", name, "--db", directory.storePath])
            #expect(result.status == 0, "incident show failed: \(result.stderr)")
            return result.stdout
        }
    }

    /// Records `scenario` until `name`'s latest incident is matched by `playbook` (or has no match when nil),
    /// stops the recorder (exit 0 on SIGTERM) and returns what was stored.
    private func diagnose(_ name: String, expecting playbook: String?, _ scenario: () throws -> Void) throws -> Diagnosis {
        let directory = try TemporaryDirectory()
        let recorder = try RecorderProcess(storePath: directory.storePath)
        try scenario()
        let store = try EventStore(path: directory.storePath, readOnly: true)
        func current() throws -> (IncidentState, [PlaybookMatchRecord])? {
            let ids = try store.containerIDs(matching: name)
            guard !ids.isEmpty, let incident = try store.latestIncident(containerIDs: ids), let id = incident.id else { return nil }
            return (incident, try store.matches(incidentID: id))
        }
        let settled = try TestEngine.wait(seconds: 45) {
            guard let (_, matches) = try current() else { return false }
            return playbook.map { matches.first?.playbookID == $0 } ?? matches.isEmpty
        }
        // Observations that follow the trigger (the inspect after the die, the log tail) may refine the match.
        Thread.sleep(forTimeInterval: 1)
        let (status, stderr) = recorder.stop()
        #expect(status == 0, "record exited \(status):\n\(stderr)")
        let found = try current()
        #expect(settled, "\(name): expected \(playbook ?? "no playbook"), got \(found?.1.map(\.playbookID) ?? ["no incident"])\n\(stderr)")
        let (incident, matches) = try #require(found, "\(name) has no incident")
        return Diagnosis(store: store, directory: directory, incident: incident, matches: matches)
    }

    @Test func oomKill() throws {
        let name = TestEngine.uniqueName("importer")
        let result = try diagnose(name, expecting: "oom-kill") {
            try TestEngine.docker("run", "-d", "--name", name, "--memory", "32m", "--memory-swap", "32m", TestEngine.image, "sh", "-c", TestEngine.growUntilOOM)
        }
        defer { result.directory.remove() }
        #expect(result.evidence("memory_limit_bytes")?.numberValue == 33_554_432)
        #expect(result.evidence("suggested_limit_bytes") == .number(33_554_432 + 209_715_200))
        let peak = try #require(result.evidence("peak_working_set_bytes")?.numberValue)
        #expect(peak > 8_000_000 && peak <= 33_554_432)
        #expect(result.best?.fix.contains("docker update --memory 232m --memory-swap 232m \(name)") == true)
        #expect(result.matches.map(\.playbookID) == ["oom-kill"], "the signal's shape is no alternative to its cause")
        let shown = try result.show(name)
        #expect(shown.contains("Diagnosis: Killed by the kernel's OOM killer"))
        #expect(shown.contains("exit code    137: killed by SIGKILL (128 + 9)"))
        #expect(shown.contains("memory limit of 32MiB"))
        #expect(shown.contains("loading index"))
        try TestEngine.docker("rm", "-f", name)
    }

    @Test func oomOfAChildProcess() throws {
        let name = TestEngine.uniqueName("worker")
        let result = try diagnose(name, expecting: "oom-child") {
            try TestEngine.docker(
                "run", "-d", "--name", name, "--memory", "32m", "--memory-swap", "32m", TestEngine.image, "sh", "-c",
                #"sh -c 'x=a; while :; do x=$x$x; done'; echo child gone; sleep 300"#)
        }
        defer { result.directory.remove() }
        #expect(result.incident.triggerKinds == ["oom"])
        #expect((result.evidence("oom_events")?.numberValue ?? 0) >= 1)
        #expect(try result.show(name).contains("kept running"))
        try TestEngine.docker("rm", "-f", name)
    }

    @Test func portAlreadyAllocatedNamesTheHolderAndApplyStartsItOnceFreed() throws {
        let holder = TestEngine.uniqueName("holder")
        let name = TestEngine.uniqueName("api")
        let port = String(Int.random(in: 20000...40000))
        let result = try diagnose(name, expecting: "port-already-allocated") {
            try TestEngine.docker("run", "-d", "--name", holder, "-p", "\(port):80", TestEngine.image, "sleep", "300")
            try TestEngine.docker("run", "-d", "--name", name, "-p", "\(port):80", TestEngine.image, "sleep", "300")
        }
        defer { result.directory.remove() }
        #expect(result.evidence("host_port") == .string(port))
        #expect(result.evidence("holder") == .string(holder))
        #expect(result.best?.fix.contains("docker stop \(holder)") == true)

        let dryRun = try BlackboxBinary.run(
            ["playbook", "run", "port-already-allocated", "--container", name, "--db", result.directory.storePath],
            environment: ["DOCKER_HOST": TestEngine.address ?? ""])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("MATCHES"))
        #expect(dryRun.stdout.contains("Would run: docker start \(name)"))
        #expect(try TestEngine.docker("inspect", "-f", "{{.State.Status}}", name).stdout.hasPrefix("created"))

        try TestEngine.docker("stop", "-t", "1", holder)
        let applied = try BlackboxBinary.run(
            ["playbook", "run", "port-already-allocated", "--container", name, "--apply", "--db", result.directory.storePath],
            environment: ["DOCKER_HOST": TestEngine.address ?? ""])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("Running: docker start \(name)"))
        #expect(try TestEngine.docker("inspect", "-f", "{{.State.Status}}", name).stdout.hasPrefix("running"))
        try TestEngine.docker("rm", "-f", holder, name)
    }

    @Test func addressInUseByAHostProcess() throws {
        let name = TestEngine.uniqueName("proxy")
        let port = Int.random(in: 40001...50000)
        let listener = Process()
        listener.executableURL = URL(fileURLWithPath: "/bin/busybox")
        listener.arguments = ["nc", "-l", "-p", String(port)]
        listener.standardOutput = FileHandle.nullDevice
        listener.standardError = FileHandle.nullDevice
        try listener.run()
        defer {
            kill(listener.processIdentifier, SIGKILL)
            listener.waitUntilExit()
        }
        Thread.sleep(forTimeInterval: 0.3)
        let result = try diagnose(name, expecting: "address-in-use") {
            try TestEngine.docker("run", "-d", "--name", name, "-p", "\(port):80", TestEngine.image, "sleep", "300")
        }
        defer { result.directory.remove() }
        #expect(result.evidence("engine_port") == .string(String(port)))
        #expect(result.evidence("engine_port_process") == .string("pid \(listener.processIdentifier) (busybox)"))
        #expect(result.best?.fix.contains("`ss -ltnp 'sport = :\(port)'`") == true)
        try TestEngine.docker("rm", "-f", name)
    }

    @Test func permissionDeniedOnABindMount() throws {
        let name = TestEngine.uniqueName("writer")
        let mount = try TemporaryDirectory()
        defer { mount.remove() }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: mount.url.path)
        let result = try diagnose(name, expecting: "bind-mount-permission-denied") {
            try TestEngine.docker(
                "run", "--name", name, "--user", "1000:1000", "-v", "\(mount.url.path):/data", TestEngine.image, "sh", "-c", "echo x > /data/state")
        }
        defer { result.directory.remove() }
        #expect(result.evidence("mount_source") == .string(mount.url.path))
        #expect(result.evidence("mount_destination") == .string("/data"))
        #expect(result.evidence("host_owner") == .string("uid 0, gid 0, mode 0755, directory"))
        #expect(result.best?.diagnosis.contains("runs as user 1000:1000") == true)
        try TestEngine.docker("rm", "-f", name)
    }

    @Test func readOnlyMountAndReadOnlyRoot() throws {
        let name = TestEngine.uniqueName("watcher")
        let mount = try TemporaryDirectory()
        defer { mount.remove() }
        let result = try diagnose(name, expecting: "read-only-mount") {
            try TestEngine.docker("run", "--name", name, "-v", "\(mount.url.path):/data:ro", TestEngine.image, "sh", "-c", "echo x > /data/state")
        }
        defer { result.directory.remove() }
        #expect(result.evidence("mount_destination") == .string("/data"))
        #expect(result.evidence("mount_source") == .string(mount.url.path))

        let rootName = TestEngine.uniqueName("locked")
        let root = try diagnose(rootName, expecting: "read-only-rootfs") {
            try TestEngine.docker("run", "--name", rootName, "--read-only", TestEngine.image, "sh", "-c", "echo x > /state")
        }
        defer { root.directory.remove() }
        #expect(!root.matches.map(\.playbookID).contains("read-only-mount"))
        try TestEngine.docker("rm", "-f", name, rootName)
    }

    @Test func commandsThatCannotRun() throws {
        let missing = TestEngine.uniqueName("noexec")
        let result = try diagnose(missing, expecting: "command-cannot-run") {
            try TestEngine.docker("run", "--name", missing, TestEngine.image, "/app/server")
        }
        defer { result.directory.remove() }
        #expect(result.incident.trigger == "start_failure")
        #expect(result.best?.diagnosis.contains("exit code 127: the command was not found") == true)

        let notExecutable = TestEngine.uniqueName("notexec")
        let denied = try diagnose(notExecutable, expecting: "command-cannot-run") {
            try TestEngine.docker("run", "--name", notExecutable, TestEngine.image, "sh", "-c", "/etc/passwd")
        }
        defer { denied.directory.remove() }
        #expect(denied.incident.exitCode == 126)
        #expect(denied.evidence("run_error_line")?.description.contains("Permission denied") == true)
        try TestEngine.docker("rm", "-f", missing, notExecutable)
    }

    @Test func restartLoopIsOneIncident() throws {
        let name = TestEngine.uniqueName("looper")
        let result = try diagnose(name, expecting: "restart-loop") {
            try TestEngine.docker(
                "run", "-d", "--name", name, "--restart", "on-failure:4", TestEngine.image, "sh", "-c", "echo 'fatal: config missing'; exit 3")
            #expect(try TestEngine.wait(seconds: 30) { try TestEngine.docker("inspect", "-f", "{{.State.Status}}", name).stdout.hasPrefix("exited") })
        }
        defer { result.directory.remove() }
        #expect(result.incident.occurrences == 5)
        #expect(try result.store.incidents().filter { $0.containerName == name }.count == 1)
        #expect(result.evidence("exit_codes") == .array(Array(repeating: .number(3), count: 5)))
        #expect(result.best?.diagnosis.contains("no playbook recognises why. The most informative line of its last log tail: fatal: config missing") == true, "\(result.best?.diagnosis ?? "")")
        let shown = try result.show(name)
        #expect(shown.contains("loop         5 failures in "), "\(shown)")
        #expect(shown.contains("(exit codes 3 ×5); restart policy on-failure:4, which gave up after 4 restarts"), "\(shown)")
        try TestEngine.docker("rm", "-f", name)
    }

    @Test func unhealthyKeepsTheProbeOutputs() throws {
        let name = TestEngine.uniqueName("sick")
        let result = try diagnose(name, expecting: "unhealthy") {
            try TestEngine.docker(
                "run", "-d", "--name", name, "--health-cmd", "echo probe failed; exit 1", "--health-interval", "1s", "--health-retries", "2",
                TestEngine.image, "sleep", "300")
        }
        defer { result.directory.remove() }
        guard case .array(let outputs)? = result.evidence("probe_results") else {
            Issue.record("no probe results")
            return
        }
        #expect(!outputs.isEmpty)
        #expect(outputs.allSatisfy { $0.description == "exit 1: probe failed" })
        try TestEngine.docker("rm", "-f", name)
    }

    @Test func sigtermIgnored() throws {
        let name = TestEngine.uniqueName("stubborn")
        // A shell as PID 1: stop-signal-not-forwarded names that cause; sigterm-ignored is the alternative.
        let result = try diagnose(name, expecting: "stop-signal-not-forwarded") {
            try TestEngine.docker("run", "-d", "--name", name, TestEngine.image, "sh", "-c", #"trap "" TERM; while :; do sleep 1; done"#)
            Thread.sleep(forTimeInterval: 1)
            try TestEngine.docker("stop", "-t", "2", name)
        }
        defer { result.directory.remove() }
        #expect(result.incident.trigger == "stop_timeout")
        #expect(result.matches.map(\.playbookID) == ["stop-signal-not-forwarded", "sigterm-ignored"])
        try TestEngine.docker("rm", "-f", name)
    }

    @Test func segfault() throws {
        let name = TestEngine.uniqueName("crasher")
        let result = try diagnose(name, expecting: "segfault") {
            try TestEngine.docker("run", "--name", name, TestEngine.image, "sh", "-c", "echo about to crash; sleep 30 & kill -SEGV $!; wait $!")
        }
        defer { result.directory.remove() }
        #expect(result.incident.exitCode == 139)
        #expect(result.best?.diagnosis.contains("killed by SIGSEGV (exit code 139)") == true, "\(result.best?.diagnosis ?? "")")
        #expect(result.best?.fix.contains("SIGABRT") == false, "the advice is for the signal that happened only")
        #expect(!result.matches.map(\.playbookID).contains("killed-by-signal"), "segfault names the signal already")
        try TestEngine.docker("rm", "-f", name)
    }

    @Test func aFailureNoPlaybookKnowsShowsItsMostInformativeLine() throws {
        let name = TestEngine.uniqueName("odd")
        let result = try diagnose(name, expecting: "unrecognised-exit") {
            try TestEngine.docker("run", "--name", name, TestEngine.image, "sh", "-c", "echo starting; echo 'error: something odd in stage 2' >&2; echo bye; exit 4")
        }
        defer { result.directory.remove() }
        #expect(result.incident.exitCode == 4)
        let shown = try result.show(name)
        let unwrapped = shown.replacingOccurrences(of: "\n  ", with: " ")
        #expect(unwrapped.contains("and no playbook recognises this failure. Its most informative log line: error: something odd in stage 2"), "\(shown)")
        #expect(!shown.contains("unknown"))
        try TestEngine.docker("rm", "-f", name)
    }
}
