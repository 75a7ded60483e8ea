import BlackboxStore
import Foundation
import Testing

/// `blackbox replay` on a session recorded from the private engine rebuilds exactly the projections that the live
/// recorder built, and re-diagnoses with the playbooks now in force.
@Suite(.serialized, .enabled(if: TestEngine.available, TestEngine.skipReason))
struct EngineReplayTests {
    struct Projections: Equatable {
        var containers: [ContainerState]
        var incidents: [IncidentState]
        var matches: [PlaybookMatchRecord]

        init(_ store: EventStore) throws {
            containers = try store.containers()
            incidents = try store.incidents().sorted { ($0.id ?? 0) < ($1.id ?? 0) }
            matches = try incidents.flatMap { try store.matches(incidentID: $0.id ?? 0) }
        }
    }

    @Test func replayingARecordedSessionYieldsTheLiveProjections() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let oom = TestEngine.uniqueName("importer")
        let failing = TestEngine.uniqueName("job")
        let holder = TestEngine.uniqueName("holder")
        let conflict = TestEngine.uniqueName("api")
        let port = String(Int.random(in: 20000...40000))
        let recorder = try RecorderProcess(storePath: directory.storePath)
        try TestEngine.docker("run", "-d", "--name", oom, "--memory", "32m", "--memory-swap", "32m", TestEngine.image, "sh", "-c", TestEngine.growUntilOOM)
        try TestEngine.docker("run", "-d", "--name", failing, TestEngine.image, "sh", "-c", "echo failing; exit 3")
        try TestEngine.docker("run", "-d", "--name", holder, "-p", "\(port):80", TestEngine.image, "sleep", "300")
        try TestEngine.docker("run", "-d", "--name", conflict, "-p", "\(port):80", TestEngine.image, "sleep", "300")
        let store = try EventStore(path: directory.storePath, readOnly: true)
        // Other suites run containers on the same engine at the same time: this session records theirs too.
        let diagnosed = try TestEngine.wait(seconds: 60) {
            let best = try store.bestMatches()
            let playbooks = Dictionary(try store.incidents().map { ($0.containerName ?? "", best[$0.id ?? 0]?.playbookID) }, uniquingKeysWith: { $1 })
            return playbooks[oom] == "oom-kill" && playbooks[conflict] == "port-already-allocated" && playbooks.keys.contains(failing)
        }
        Thread.sleep(forTimeInterval: 1.5)
        let (status, stderr) = recorder.stop()
        defer { _ = try? TestEngine.docker("rm", "-f", oom, failing, holder, conflict) }
        #expect(status == 0, "record exited \(status):\n\(stderr)")
        #expect(diagnosed, "the recorder did not diagnose the three incidents:\n\(stderr)")

        let live = try Projections(store)
        #expect(Set(live.incidents.compactMap(\.containerName)).isSuperset(of: [oom, failing, conflict]))
        #expect(live.matches.contains { $0.playbookID == "oom-kill" })
        let replay = try BlackboxBinary.run(["replay", "--db", directory.storePath])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("\(live.incidents.count) incidents diagnosed"))
        let replayed = try Projections(try EventStore(path: directory.storePath, readOnly: true))
        #expect(replayed.containers == live.containers)
        #expect(replayed.incidents == live.incidents)
        // Other suites' containers share the engine; a live diagnosis made while one of their port holders was not yet
        // recorded names it "unknown", and replay, later, knows it. This test's own incidents must match exactly.
        let own = Set(live.incidents.filter { [oom, failing, conflict].contains($0.containerName ?? "") }.compactMap(\.id))
        #expect(own.count == 3)
        #expect(replayed.matches.filter { own.contains($0.incidentID) } == live.matches.filter { own.contains($0.incidentID) })

        // With a user's playbook that knows exit code 3, the failing job is re-diagnosed.
        let playbooks = try TemporaryDirectory()
        defer { playbooks.remove() }
        try """
            id: job-exit-3
            title: The job reported bad input
            severity: error
            match:
              event: {action: die, exit_code: 3}
            diagnosis: "{{container}} exited with 3: its input was rejected."
            fix: Check the input file.
            """.write(to: playbooks.url.appending(path: "job.yaml"), atomically: true, encoding: .utf8)
        let rediagnosed = try BlackboxBinary.run(["replay", "--db", directory.storePath, "--playbooks", playbooks.url.path])
        #expect(rediagnosed.status == 0, "\(rediagnosed.stderr)")
        let job = try #require(live.incidents.first { $0.containerName == failing })
        #expect(rediagnosed.stdout.contains("incident \(job.id ?? 0) (\(failing)): "), "\(rediagnosed.stdout)")
        #expect(rediagnosed.stdout.contains("→ job-exit-3"))
        let after = try EventStore(path: directory.storePath, readOnly: true)
        #expect(try after.matches(incidentID: job.id ?? 0).first?.playbookID == "job-exit-3")
        #expect(try after.containers() == live.containers)
    }
}
