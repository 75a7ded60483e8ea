import BlackboxCore
import BlackboxStore
import Foundation
import Playbooks
import Testing

/// The recorder on Podman's Docker-compatible API (issue 17), on the private `podman system service` of
/// `scripts/test`: what it reports is found by running it (see the README's table of what each engine reports), and
/// each failure the Docker suites prove is proven here as Podman reports it.
@Suite(.serialized, .enabled(if: PodmanEngine.available, PodmanEngine.skipReason))
struct EnginePodmanTests {
    struct Recording {
        var store: EventStore
        var directory: TemporaryDirectory
        var statusLine: String
        var stderr: String

        func incident(_ name: String) throws -> IncidentState? {
            try store.latestIncident(containerIDs: try store.containerIDs(matching: name))
        }

        func best(_ name: String) throws -> PlaybookMatchRecord? {
            guard let id = try incident(name)?.id else { return nil }
            return try store.matches(incidentID: id).first
        }

        func events(_ name: String) throws -> [EventRecord] {
            try store.events(EventFilter(containerIDs: try store.containerIDs(matching: name)))
        }
    }

    /// Records `scenario` on Podman until `done` holds (at most `seconds`), then stops the recorder (exit 0 on SIGTERM).
    private func record(seconds: Double = 45, _ scenario: () throws -> Void, until done: (Recording) throws -> Bool) throws -> Recording {
        let directory = try TemporaryDirectory()
        let recorder = try RecorderProcess(storePath: directory.storePath, engine: PodmanEngine.address)
        try scenario()
        var recording = Recording(store: try EventStore(path: directory.storePath, readOnly: true), directory: directory, statusLine: recorder.statusLine, stderr: "")
        let settled = try TestEngine.wait(seconds: seconds) { try done(recording) }
        // Observations that follow the trigger (the inspect after the die, the log tail) may refine the match.
        Thread.sleep(forTimeInterval: 1)
        let (status, stderr) = recorder.stop()
        recording.stderr = stderr
        #expect(status == 0, "record exited \(status):\n\(stderr)")
        #expect(settled, "the scenario did not settle in \(seconds) s:\n\(stderr)")
        return recording
    }

    @Test func versionAndStatusLineNamePodman() throws {
        let text = try BlackboxBinary.run(["version", "--host", PodmanEngine.address ?? ""])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("engine:           Podman 4."), "\(text.stdout)")
        #expect(text.stdout.contains("engine API:       1.41"), "\(text.stdout)")
        let json = try BlackboxBinary.run(["version", "--json", "--host", PodmanEngine.address ?? ""])
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        let object = try #require(rows?.first, "\(json.stdout)")
        #expect(object["engine"] as? String == "podman")
        #expect(object["engine_name"] as? String == "Podman")
        #expect(object["api_version"] as? String == "1.41")

        let recording = try record({}, until: { _ in true })
        defer { recording.directory.remove() }
        #expect(recording.statusLine.contains("(Podman 4."), "\(recording.statusLine)")
    }

    @Test func anExitKeepsItsCodeAndLogTail() throws {
        let name = TestEngine.uniqueName("api")
        defer { _ = try? PodmanEngine.docker("rm", "-f", name) }
        let recording = try record({
            try PodmanEngine.docker("run", "--name", name, TestEngine.image, "sh", "-c", "echo 'fatal: config missing' >&2; exit 3")
        }, until: { try $0.events(name).contains { $0.kind == .logTail } && $0.best(name) != nil })
        defer { recording.directory.remove() }
        let incident = try #require(try recording.incident(name), "no incident:\n\(recording.stderr)")
        #expect(incident.exitCode == 3)
        #expect(incident.trigger == "die")
        let actions = try recording.events(name).filter { $0.kind == .engine }.map(\.action)
        // Podman's own lifecycle actions are kept as it sent them, around Docker's.
        #expect(actions.starts(with: ["create", "init", "attach", "start", "die"]), "\(actions)")
        #expect(actions.contains("cleanup"), "\(actions)")
        let die = try #require(try recording.events(name).first { $0.kind == .engine && $0.action == "die" })
        #expect(die.exitCode == 3)
        let shown = try BlackboxBinary.run(["incident", "show", name, "--db", recording.directory.storePath])
        #expect(shown.stdout.contains("stderr fatal: config missing"), "\(shown.stdout)")
    }

    /// Podman announces neither kill (no `oom` event, `OOMKilled: false`); the kernel's counters tell, live and in a
    /// session stripped of whatever OOM signal the engine might have left, imported into a fresh store.
    @Test func pid1AndChildOOMKillsAreDiagnosedFromTheKernelCounters() throws {
        let main = TestEngine.uniqueName("importer")
        let child = TestEngine.uniqueName("worker")
        defer { _ = try? PodmanEngine.docker("rm", "-f", main, child) }
        func kernelOOMs(_ recording: Recording, _ name: String) throws -> [EventRecord.KernelOOM] {
            try recording.events(name).filter { $0.kind == .kernelOOM }.compactMap {
                try? JSONDecoder().decode(EventRecord.KernelOOM.self, from: Data($0.payload.utf8))
            }
        }
        let recording = try record(seconds: 60, {
            try PodmanEngine.docker(
                "run", "-d", "--name", main, "--memory", "32m", "--memory-swap", "32m", TestEngine.image, "sh", "-c", TestEngine.growUntilOOM)
            try PodmanEngine.docker(
                "run", "-d", "--name", child, "--memory", "32m", "--memory-swap", "32m", TestEngine.image, "sh", "-c",
                #"sh -c 'x=a; while :; do x=$x$x; done'; echo child gone; sleep 300"#)
        }, until: { recording in
            let died = try PodmanEngine.docker("inspect", "-f", "{{.State.Status}}", main).stdout.hasPrefix("exited")
            return try died && !kernelOOMs(recording, main).isEmpty && !kernelOOMs(recording, child).isEmpty
                && recording.best(main)?.playbookID == "oom-kill" && recording.best(child)?.playbookID == "oom-child"
        })
        defer { recording.directory.remove() }
        for name in [main, child] {
            let rise = try #require(try kernelOOMs(recording, name).first, "\(name) has no kernel_oom:\n\(recording.stderr)")
            #expect(rise.oomKillsBefore == 0 && rise.oomKillsAfter >= 1)
            #expect(rise.file.contains("/libpod_parent/libpod-"), "Podman's cgroupfs cgroup: \(rise.file)")
        }
        #expect(try recording.best(main)?.playbookID == "oom-kill")
        #expect(try recording.best(child)?.playbookID == "oom-child")
        let inspect = try PodmanEngine.docker("inspect", "-f", "{{.State.ExitCode}} {{.State.OOMKilled}}", main)
        #expect(inspect.stdout.hasPrefix("137 false"), "Podman 4.3 reports no OOM kill: \(inspect.stdout)")

        let export = try BlackboxBinary.run(["export", "--db", recording.directory.storePath])
        #expect(export.status == 0, "\(export.stderr)")
        let stripped = try SessionWithoutEngineOOMSignals(export: export.stdout)
        #expect(stripped.removedOOMEvents == 0, "Podman sent an oom event")
        #expect(stripped.clearedOOMKilled == 0, "Podman reported OOMKilled: true")
        let file = recording.directory.url.appending(path: "stripped.jsonl")
        try stripped.lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let strippedStore = recording.directory.url.appending(path: "stripped.sqlite").path
        let imported = try BlackboxBinary.run(["import", "--db", strippedStore, file.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        let replayed = try EventStore(path: strippedStore, readOnly: true)
        let best = try replayed.bestMatches()
        for (name, playbook) in [(main, "oom-kill"), (child, "oom-child")] {
            let incident = try #require(try replayed.latestIncident(containerIDs: try replayed.containerIDs(matching: name)), "\(name) has no incident")
            let match = best[incident.id ?? 0]
            #expect(match?.playbookID == playbook, "\(name): \(match?.playbookID ?? "no match"), triggers \(incident.triggerKinds)")
            if playbook == "oom-kill" {
                let evidence = match.flatMap { JSONValue.parse($0.evidence) }
                #expect(evidence?[path: "inspect_oom_killed"] == .bool(false))
                #expect((evidence?[path: "kernel_oom_kills"]?.numberValue ?? 0) >= 1)
            }
        }
    }

    @Test func aReadOnlyMount() throws {
        let name = TestEngine.uniqueName("watcher")
        let mount = try TemporaryDirectory()
        defer {
            _ = try? PodmanEngine.docker("rm", "-f", name)
            mount.remove()
        }
        let recording = try record({
            try PodmanEngine.docker("run", "--name", name, "-v", "\(mount.url.path):/data:ro", TestEngine.image, "sh", "-c", "echo x > /data/state")
        }, until: { try $0.best(name)?.playbookID == "read-only-mount" })
        defer { recording.directory.remove() }
        let shown = try BlackboxBinary.run(["incident", "show", name, "--db", recording.directory.storePath]).stdout
        #expect(try recording.best(name)?.playbookID == "read-only-mount", "\(shown)")
        let evidence = try recording.best(name).flatMap { JSONValue.parse($0.evidence) }
        #expect(evidence?[path: "mount_destination"] == .string("/data"))
        #expect(evidence?[path: "mount_source"] == .string(mount.url.path))
    }

    /// Podman runs a restart policy itself and says so: `restart` before each new `init`/`start` (Docker sends none).
    @Test func aRestartLoopIsOneIncident() throws {
        let name = TestEngine.uniqueName("looper")
        defer { _ = try? PodmanEngine.docker("rm", "-f", name) }
        let recording = try record({
            try PodmanEngine.docker("run", "-d", "--name", name, "--restart", "on-failure:3", TestEngine.image, "sh", "-c", "echo 'fatal: config missing'; exit 3")
        }, until: { recording in
            try PodmanEngine.docker("inspect", "-f", "{{.State.Status}}", name).stdout.hasPrefix("exited")
                && recording.incident(name)?.occurrences == 4 && recording.best(name)?.playbookID == "restart-loop"
        })
        defer { recording.directory.remove() }
        let incident = try #require(try recording.incident(name))
        #expect(incident.occurrences == 4)
        #expect(try recording.store.incidents().filter { $0.containerName == name }.count == 1)
        #expect(try recording.best(name)?.playbookID == "restart-loop")
        let restarts = try recording.events(name).filter { $0.kind == .engine && $0.action == "restart" }.count
        #expect(restarts == 3, "Podman announces each restart of its policy")
    }

    /// A container that ran, restarted into a mount source that became a file: Podman's runtime refuses it, tells only
    /// the `docker start` client, and sends a lone `cleanup`: blackbox records the refusal with the empty error Podman
    /// keeps, as an incident of its own.
    @Test func aStartRefusedAfterACleanRun() throws {
        let name = TestEngine.uniqueName("importer")
        let mount = try TemporaryDirectory()
        defer {
            _ = try? PodmanEngine.docker("rm", "-f", name)
            mount.remove()
        }
        let source = mount.url.appending(path: "data")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        func failures(_ recording: Recording) throws -> [EventRecord.StartFailure] {
            try recording.events(name).filter { $0.kind == .startFailure }.compactMap {
                try? JSONDecoder().decode(EventRecord.StartFailure.self, from: Data($0.payload.utf8))
            }
        }
        var said = ""
        let recording = try record({
            let run = try PodmanEngine.docker("run", "--name", name, "-v", "\(source.path):/data", TestEngine.image, "sh", "-c", ":")
            #expect(run.status == 0, "\(run.stderr)")
            try FileManager.default.removeItem(at: source)
            try "not a directory".write(to: source, atomically: true, encoding: .utf8)
            let start = try PodmanEngine.docker("start", name)
            #expect(start.status != 0, "Podman started \(name)")
            said = start.stderr
        }, until: { try !failures($0).isEmpty && $0.incident(name)?.trigger == "start_failure" })
        defer { recording.directory.remove() }
        #expect(said.contains("error mounting \"\(source.path)\" to rootfs at \"/data\""), "\(said)")
        let failure = try #require(try failures(recording).first, "no start failure:\n\(recording.stderr)")
        #expect(failure.error.isEmpty, "Podman 4.3 keeps no error text: \(failure.error)")
        #expect(failure.status == "exited" && failure.exitCode == 0, "it keeps the clean exit it had")
        #expect(try failures(recording).count == 1)
        let incident = try #require(try recording.incident(name))
        #expect(incident.trigger == "start_failure")
        #expect(incident.occurrences == 1)
        let actions = try recording.events(name).filter { $0.kind == .engine }.map(\.action)
        #expect(actions.suffix(2) == ["cleanup", "cleanup"], "\(actions)")
    }
}
