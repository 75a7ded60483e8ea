import BlackboxCore
import BlackboxStore
import Foundation
import Playbooks
import Testing

/// The kernel's OOM counters on the private engine (issue 17): a PID-1 OOM kill and a child's OOM kill each leave a
/// `kernel_oom` observation, and a recorded session stripped of the engine's own OOM signals (its `oom` events and
/// `State.OOMKilled`), imported into a fresh store, is still diagnosed `oom-kill` and `oom-child` from them.
@Suite(.serialized, .enabled(if: TestEngine.available, TestEngine.skipReason))
struct EngineKernelOOMTests {
    @Test func pid1AndChildOOMKillsAreDiagnosedFromTheKernelCountersAlone() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let main = TestEngine.uniqueName("importer")
        let child = TestEngine.uniqueName("worker")
        defer { _ = try? TestEngine.docker("rm", "-f", main, child) }
        let recorder = try RecorderProcess(storePath: directory.storePath)
        try TestEngine.docker("run", "-d", "--name", main, "--memory", "32m", "--memory-swap", "32m", TestEngine.image, "sh", "-c", TestEngine.growUntilOOM)
        try TestEngine.docker(
            "run", "-d", "--name", child, "--memory", "32m", "--memory-swap", "32m", TestEngine.image, "sh", "-c",
            #"sh -c 'x=a; while :; do x=$x$x; done'; echo child gone; sleep 300"#)
        let store = try EventStore(path: directory.storePath, readOnly: true)
        func kernelOOMs(_ name: String) throws -> [EventRecord.KernelOOM] {
            try store.events(EventFilter(containerIDs: try store.containerIDs(matching: name))).filter { $0.kind == .kernelOOM }.compactMap {
                try? JSONDecoder().decode(EventRecord.KernelOOM.self, from: Data($0.payload.utf8))
            }
        }
        let seen = try TestEngine.wait(seconds: 60) {
            let died = try TestEngine.docker("inspect", "-f", "{{.State.Status}}", main).stdout.hasPrefix("exited")
            return try died && !kernelOOMs(main).isEmpty && !kernelOOMs(child).isEmpty
        }
        Thread.sleep(forTimeInterval: 1.5)
        let (status, stderr) = recorder.stop()
        #expect(status == 0, "record exited \(status):\n\(stderr)")
        #expect(seen, "no kernel_oom for both containers:\n\(stderr)")
        for name in [main, child] {
            let rise = try #require(try kernelOOMs(name).first, "\(name) has no kernel_oom")
            #expect(rise.oomKillsBefore == 0 && rise.oomKillsAfter >= 1)
            #expect(rise.cgroup == "v1", "this machine's engine runs on cgroup v1")
            #expect(rise.file.hasSuffix("/memory.oom_control"))
        }
        // The kernel's notification wakes the recorder at the kill; a sample or the read at `die` would only catch it by luck.
        let readAt = try [main, child].compactMap { try kernelOOMs($0).first?.readAt }
        #expect(readAt.contains("notification"), "\(readAt)")

        // The same session as an engine that says nothing would have left it.
        let export = try BlackboxBinary.run(["export", "--db", directory.storePath])
        #expect(export.status == 0, "\(export.stderr)")
        let session = try SessionWithoutEngineOOMSignals(export: export.stdout)
        #expect(session.removedOOMEvents >= 2, "Docker announced both kills with oom events; they are removed")
        let file = directory.url.appending(path: "stripped.jsonl")
        try session.lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let strippedStore = directory.url.appending(path: "stripped.sqlite").path
        let imported = try BlackboxBinary.run(["import", "--db", strippedStore, file.path])
        #expect(imported.status == 0, "\(imported.stderr)")

        let replayed = try EventStore(path: strippedStore, readOnly: true)
        #expect(try replayed.events(EventFilter()).allSatisfy { $0.action != "oom" })
        let best = try replayed.bestMatches()
        func diagnosis(_ name: String) throws -> (IncidentState, PlaybookMatchRecord?) {
            let incident = try #require(try replayed.latestIncident(containerIDs: try replayed.containerIDs(matching: name)), "\(name) has no incident")
            return (incident, best[incident.id ?? 0])
        }
        let (killed, killedMatch) = try diagnosis(main)
        #expect(killedMatch?.playbookID == "oom-kill", "\(main): \(killedMatch?.playbookID ?? "no match"), triggers \(killed.triggerKinds)")
        let evidence = killedMatch.flatMap { JSONValue.parse($0.evidence) }
        #expect(evidence?[path: "inspect_oom_killed"] == .bool(false))
        #expect(evidence?[path: "oom_events"] == .number(0))
        #expect((evidence?[path: "kernel_oom_kills"]?.numberValue ?? 0) >= 1)
        let (_, childMatch) = try diagnosis(child)
        #expect(childMatch?.playbookID == "oom-child", "\(child): \(childMatch?.playbookID ?? "no match")")
    }
}
