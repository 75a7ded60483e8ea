@testable import DockerEngine
import Foundation
import Testing

/// The Engine API client against the private engine: negotiation, listing, inspect, stats (one-shot and stream),
/// logs of TTY and non-TTY containers, and `/events` with `since`.
@Suite(.serialized, .enabled(if: TestEngine.available, TestEngine.skipReason))
struct EngineClientTests {
    private func client() async throws -> DockerClient {
        try await DockerClient.connect(to: EngineAddress(parsing: try #require(TestEngine.address)))
    }

    @Test func negotiatesTheAPIVersionAndReadsIdentity() async throws {
        let client = try await client()
        #expect(client.apiVersion >= DockerClient.minimumAPIVersion)
        #expect(client.apiVersion <= DockerClient.maximumAPIVersion)
        let version = try await client.version()
        #expect(!version.version.isEmpty)
        #expect(version.raw.contains("ApiVersion"))
        let info = try JSONSerialization.jsonObject(with: try await client.info()) as? [String: Any]
        #expect(info?["ID"] != nil)
        await client.shutdown()
    }

    @Test func readsStatsInspectAndLogs() async throws {
        let name = TestEngine.uniqueName("client")
        try TestEngine.docker("run", "-d", "--name", name, "--memory", "48m", TestEngine.image, "sh", "-c", "echo out; echo err >&2; sleep 300")
        let client = try await client()
        let listed = try await client.listContainers(all: true)
        let (inspect, json) = try await client.inspectContainer(name)
        #expect(listed.contains { $0.id == inspect.id && $0.state == "running" })
        #expect(inspect.hostConfig.memoryBytes == 48 * 1024 * 1024)
        #expect(String(decoding: json, as: UTF8.self).contains("\"Id\""))

        let once = try await client.statsOneShot(inspect.id)
        #expect(once.memoryLimitBytes == 48 * 1024 * 1024)
        var streamed: [StatsReading] = []
        for try await reading in try await client.statsStream(inspect.id) {
            streamed.append(reading)
            if streamed.count == 2 { break }
        }
        #expect(streamed.count == 2)
        #expect(streamed[1].readNanos > streamed[0].readNanos)
        #expect(ResourceSample(containerID: inspect.id, current: streamed[1], previous: streamed[0], cpuLimit: nil).cpuPercent != nil)

        try await Task.sleep(for: .milliseconds(500))
        let lines = try await client.logs(inspect.id, tail: 10, tty: false)
        #expect(lines.contains { $0.stream == .stdout && $0.text == "out" })
        #expect(lines.contains { $0.stream == .stderr && $0.text == "err" })

        await #expect(throws: EngineError.self) { _ = try await client.inspectContainer("no-such-container-\(UUID())") }
        await client.shutdown()
        try TestEngine.docker("rm", "-f", name)
    }

    @Test func replaysEventsSinceATime() async throws {
        let name = TestEngine.uniqueName("since")
        let before = Timestamp.nowNanos() - 1_000_000_000
        try TestEngine.docker("run", "--name", name, TestEngine.image, "sh", "-c", "exit 5")
        let client = try await client()
        var seen: [EngineEvent] = []
        for try await element in try await client.events(since: before) {
            guard case .event(let event) = element else { continue }
            if event.containerName == name { seen.append(event) }
            if event.action == "die" && event.containerName == name { break }
        }
        #expect(seen.map(\.action).contains("create"))
        #expect(seen.last?.exitCode == 5)
        await client.shutdown()
        try TestEngine.docker("rm", "-f", name)
    }
}
