import BlackboxStore
import Foundation
import Testing

/// A container that ran before and then fails to start again leaves an incident with the engine's text (issue 17),
/// for each refusal the engine produces here: a port now taken (the engine sends only a network `disconnect`), a
/// network removed (it sends nothing: the sweep finds it), a mount source that became a file (`connect` +
/// `disconnect`). `docker restart` into a taken port is one more occurrence of the same kind.
@Suite(.serialized, .enabled(if: TestEngine.available, TestEngine.skipReason))
struct EngineStartFailureTests {
    /// Runs `name` once to a clean exit, breaks what it needs, starts it again (which the engine refuses) and returns
    /// the start failures and the incident recorded for it.
    private func restartIntoFailure(
        _ name: String, run: [String], breakIt: () throws -> Void, expecting text: String
    ) throws -> (failures: [EventRecord.StartFailure], incident: IncidentState?, stderr: String) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let recorder = try RecorderProcess(storePath: directory.storePath)
        try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["docker", "run", "--name", name] + run, environment: ["DOCKER_HOST": TestEngine.address ?? ""])
        try breakIt()
        let start = try TestEngine.docker("start", name)
        #expect(start.status != 0, "the engine started \(name): \(start.stdout)")
        #expect(start.stderr.contains(text), "\(start.stderr)")
        let store = try EventStore(path: directory.storePath, readOnly: true)
        func failures() throws -> [EventRecord.StartFailure] {
            let ids = try store.containerIDs(matching: name)
            return try store.events(EventFilter(containerIDs: ids)).filter { $0.kind == .startFailure }.compactMap {
                try? JSONDecoder().decode(EventRecord.StartFailure.self, from: Data($0.payload.utf8))
            }
        }
        _ = try TestEngine.wait(seconds: 45) { try failures().contains { $0.error.contains(text) } }
        let (status, stderr) = recorder.stop()
        #expect(status == 0, "record exited \(status):\n\(stderr)")
        let incident = try store.latestIncident(containerIDs: try store.containerIDs(matching: name))
        return (try failures(), incident, stderr)
    }

    @Test func aPortNowTaken() throws {
        let name = TestEngine.uniqueName("api")
        let holder = TestEngine.uniqueName("holder")
        let port = String(Int.random(in: 20000...40000))
        defer { _ = try? TestEngine.docker("rm", "-f", name, holder) }
        let result = try restartIntoFailure(
            name, run: ["-p", "\(port):80", TestEngine.image, "sh", "-c", ":"],
            breakIt: { try TestEngine.docker("run", "-d", "--name", holder, "-p", "\(port):80", TestEngine.image, "sleep", "300") },
            expecting: "port is already allocated")
        let failure = try #require(result.failures.last, "no start failure recorded:\n\(result.stderr)")
        #expect(failure.error.contains("Bind for 0.0.0.0:\(port) failed: port is already allocated"))
        #expect(failure.status == "exited", "it ran before: the engine keeps it exited")
        #expect(failure.exitCode == 128, "a refused start after a clean exit: the engine sets 128")
        #expect(result.incident?.trigger == "start_failure")
        #expect(result.incident?.occurrences == 1)
    }

    @Test func aNetworkRemoved() throws {
        let name = TestEngine.uniqueName("worker")
        let network = TestEngine.uniqueName("net")
        try TestEngine.docker("network", "create", network)
        defer { _ = try? TestEngine.docker("rm", "-f", name) }
        let result = try restartIntoFailure(
            name, run: ["--network", network, TestEngine.image, "sh", "-c", ":"],
            breakIt: { try TestEngine.docker("network", "rm", network) }, expecting: "not found")
        let failure = try #require(result.failures.last, "no start failure recorded:\n\(result.stderr)")
        #expect(failure.error.hasPrefix("network ") && failure.error.hasSuffix(" not found"), "\(failure.error)")
        #expect(failure.status == "exited")
        #expect(result.incident?.trigger == "start_failure")
    }

    @Test func aMountSourceNowAFile() throws {
        let name = TestEngine.uniqueName("importer")
        let directory = try TemporaryDirectory()
        defer {
            _ = try? TestEngine.docker("rm", "-f", name)
            directory.remove()
        }
        let source = directory.url.appending(path: "data")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        let result = try restartIntoFailure(
            name, run: ["-v", "\(source.path):/data", TestEngine.image, "sh", "-c", ":"],
            breakIt: {
                try FileManager.default.removeItem(at: source)
                try "not a directory".write(to: source, atomically: true, encoding: .utf8)
            },
            expecting: "not a directory")
        let failure = try #require(result.failures.last, "no start failure recorded:\n\(result.stderr)")
        #expect(failure.error.contains("error mounting \"\(source.path)\" to rootfs at \"/data\""), "\(failure.error)")
        #expect(failure.exitCode == 127)
        #expect(result.incident?.trigger == "start_failure")
    }
}
