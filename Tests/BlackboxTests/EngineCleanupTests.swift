import BlackboxCore
import BlackboxStore
import Foundation
import Playbooks
import Testing

/// A failure followed by what a person does next — fix the cause and start it again, `docker kill`, `docker rm -f` —
/// keeps the diagnosis it had at the failure, with the evidence of that moment, on the private engine while the
/// recorder keeps recording.
@Suite(.serialized, .enabled(if: TestEngine.available, TestEngine.skipReason))
struct EngineCleanupTests {
    /// Records the failure until `name`'s incident is diagnosed as `playbook`, runs `cleanup` with the recorder still
    /// recording, waits for what it caused to be stored, and returns the incident's diagnosis, evidence and report.
    private func failThenCleanUp(
        _ name: String, expecting playbook: String, failure: () throws -> Void, cleanup: () throws -> Void
    ) throws -> (best: PlaybookMatchRecord?, incidents: [IncidentState], shown: String) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let recorder = try RecorderProcess(storePath: directory.storePath)
        try failure()
        let store = try EventStore(path: directory.storePath, readOnly: true)
        func best() throws -> PlaybookMatchRecord? {
            let ids = try store.containerIDs(matching: name)
            guard !ids.isEmpty, let id = try store.latestIncident(containerIDs: ids)?.id else { return nil }
            return try store.matches(incidentID: id).first
        }
        let diagnosed = try TestEngine.wait(seconds: 45) { try best()?.playbookID == playbook }
        let atFailure = try best()?.playbookID ?? "nothing"
        #expect(diagnosed, "\(name): expected \(playbook) at the failure, got \(atFailure)")
        try cleanup()
        Thread.sleep(forTimeInterval: 3)
        let (status, stderr) = recorder.stop()
        #expect(status == 0, "record exited \(status):\n\(stderr)")
        let shown = try BlackboxBinary.run(["incident", "show", name, "--db", directory.storePath])
        let incidents = try store.incidents().filter { $0.containerName == name }
        return (try best(), incidents, shown.stdout)
    }

    private static func evidence(_ match: PlaybookMatchRecord?, _ name: String) -> JSONValue? {
        guard case .object(let values)? = match.flatMap({ JSONValue.parse($0.evidence) }) else { return nil }
        return values[name]
    }

    @Test func aPermissionErrorFixedAndRestartedKeepsItsDiagnosisAndTheOwnerOfThen() throws {
        let name = TestEngine.uniqueName("uploader")
        let mount = try TemporaryDirectory()
        defer { mount.remove() }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: mount.url.path)
        let result = try failThenCleanUp(name, expecting: "bind-mount-permission-denied") {
            try TestEngine.docker(
                "run", "-d", "--name", name, "--user", "1000:1000", "-v", "\(mount.url.path):/data", TestEngine.image, "sh", "-c",
                "sleep 1; echo x > /data/state && sleep 300")
        } cleanup: {
            try FileManager.default.setAttributes([.ownerAccountID: 1000, .groupOwnerAccountID: 1000], ofItemAtPath: mount.url.path)
            try TestEngine.docker("start", name)
            Thread.sleep(forTimeInterval: 3)
            try TestEngine.docker("rm", "-f", name)
        }
        #expect(result.incidents.count == 1)
        #expect(result.incidents.first?.occurrences == 1, "the removal is not a failure")
        #expect(result.best?.playbookID == "bind-mount-permission-denied")
        #expect(Self.evidence(result.best, "host_owner") == .string("uid 0, gid 0, mode 0755, directory"), "the owner when it failed, not now")
        #expect(result.best?.fix.contains("`chown -R 1000:1000 \(mount.url.path)`") == true, "\(result.best?.fix ?? "")")
        #expect(result.shown.contains("Diagnosis: Permission denied on a bind mount"), "\(result.shown)")
        #expect(!result.shown.contains("killed"), "\(result.shown)")
    }

    @Test func aChildOOMKillStaysOneWhenTheContainerIsKilled() throws {
        let name = TestEngine.uniqueName("worker")
        let result = try failThenCleanUp(name, expecting: "oom-child") {
            try TestEngine.docker(
                "run", "-d", "--name", name, "--memory", "32m", "--memory-swap", "32m", TestEngine.image, "sh", "-c",
                #"sh -c 'x=a; while :; do x=$x$x; done'; echo child gone; sleep 300"#)
        } cleanup: {
            try TestEngine.docker("kill", name)
        }
        #expect(result.best?.playbookID == "oom-child")
        #expect(result.best?.diagnosis.contains("kept running") == true, "\(result.best?.diagnosis ?? "")")
        #expect(result.shown.contains("Diagnosis: A process inside the container was OOM-killed"), "\(result.shown)")
        try TestEngine.docker("rm", "-f", name)
    }

    @Test func anOOMKillRemovedAtOnceStaysAnOOMKill() throws {
        let name = TestEngine.uniqueName("importer")
        let result = try failThenCleanUp(name, expecting: "oom-kill") {
            try TestEngine.docker("run", "-d", "--name", name, "--memory", "32m", "--memory-swap", "32m", TestEngine.image, "sh", "-c", TestEngine.growUntilOOM)
        } cleanup: {
            try TestEngine.docker("rm", "-f", name)
        }
        #expect(result.best?.playbookID == "oom-kill")
        #expect(result.incidents.first?.resolution == "removed")
        #expect(!result.shown.contains("unknown"), "\(result.shown)")
    }

    @Test func aRestartLoopOfAMissingCommandIsDiagnosedByItsCauseAndShowsTheLoop() throws {
        let name = TestEngine.uniqueName("api")
        let result = try failThenCleanUp(name, expecting: "command-cannot-run") {
            try TestEngine.docker("run", "-d", "--name", name, "--restart", "on-failure:3", TestEngine.image, "sh", "-c", "sleep 0.3; exec /app/server")
            _ = try TestEngine.wait(seconds: 30) { try TestEngine.docker("inspect", "-f", "{{.State.Status}}", name).stdout.hasPrefix("exited") }
        } cleanup: {
            try TestEngine.docker("rm", "-f", name)
        }
        #expect(result.best?.playbookID == "command-cannot-run")
        #expect(result.incidents.first?.occurrences == 4)
        #expect(result.shown.contains("loop         4 failures in "), "\(result.shown)")
        #expect(result.shown.contains("(exit codes 127 ×4)"), "\(result.shown)")
    }
}
