import DockerEngine
import Foundation
@testable import Recorder
import Testing

/// What Podman 4.3.1's Docker-compatible API answers (captured from the private Podman engine by
/// `scripts/capture-podman-fixtures` into `Fixtures/podman/`), decoded as blackbox decodes Docker's: its version
/// document, its extra event actions, an OOM kill it does not report, health fields without a health check, stats,
/// framed logs with second-precision times, and where its `cgroupfs` cgroups are.
@Suite struct EnginePodmanPayloadTests {
    static func data(_ name: String) throws -> Data { try Fixtures.data("podman/\(name)") }

    static func inspect(_ name: String) throws -> ContainerInspect { try ContainerInspect.decode(data("inspect-\(name).json")) }

    @Test func theVersionDocumentNamesPodman() throws {
        let podman = try JSONDecoder().decode(EngineVersion.self, from: Self.data("version.json"))
        #expect(podman.product == .podman)
        #expect(podman.productDescription == "Podman 4.3.1")
        #expect(podman.version == "4.3.1")
        #expect(podman.apiVersion == "1.41", "Podman emulates Docker's API 1.41; its own API version is in Components")
        #expect(podman.components.map(\.name) == ["Podman Engine", "Conmon", "OCI Runtime (runc)"])
        #expect(podman.platformName == "linux/amd64/debian-12")

        let docker = try JSONDecoder().decode(EngineVersion.self, from: Fixtures.data("version.json"))
        #expect(docker.product == .docker)
        #expect(docker.productDescription == "Docker 20.10.24+dfsg1")
        #expect(docker.components.first?.name == "Engine")
        #expect(EngineProduct.podman.name == "Podman" && EngineProduct.docker.name == "Docker Engine")
    }

    @Test func eventsCarryPodmansOwnActionsAndNoOOM() throws {
        let lines = try Self.data("events.jsonl").split(separator: UInt8(ascii: "\n")).map(Array.init)
        let events = try lines.map { try EngineEvent.decode(line: $0) }
        #expect(events.count == lines.count && events.count > 20)
        let actions = Set(events.map(\.action))
        #expect(actions.isSuperset(of: ["create", "init", "attach", "start", "die", "cleanup"]))
        #expect(!actions.contains("oom"), "Podman 4.3 sends no oom event")
        #expect(!actions.contains { $0.hasPrefix("health_status") }, "without systemd Podman runs no health check")
        #expect(!events.contains { $0.type == "network" }, "Podman sends no network connect/disconnect")
        let oomDie = try #require(events.first { $0.action == "die" && $0.containerName == "fx-oom" })
        #expect(oomDie.exitCode == 137)
        #expect(oomDie.attributes["containerExitCode"] == "137")
        #expect(oomDie.image == "docker.io/blackbox-test/busybox:latest", "Podman names the image with its registry")
        // Its lifecycle: init before start, cleanup after die; a start the runtime refused is a second cleanup alone.
        let mount = events.filter { $0.containerName == "fx-mount" }.map(\.action)
        #expect(mount == ["create", "init", "attach", "start", "die", "cleanup", "cleanup"], "\(mount)")
    }

    @Test func anOOMKillIsExitCode137WithOOMKilledFalse() throws {
        let state = try Self.inspect("fx-oom").state
        #expect(state.status == "exited")
        #expect(state.exitCode == 137)
        #expect(!state.oomKilled)
        #expect(state.healthStatus == nil, "Podman sends Health with an empty Status: no health check")
        #expect(try Self.inspect("fx-health").state.healthStatus == "starting", "and a health check that never ran stays starting")
    }

    @Test func aRefusedStartLeavesNoErrorInInspect() throws {
        let state = try Self.inspect("fx-mount").state
        #expect(state.status == "exited" && state.exitCode == 0 && state.error.isEmpty)
        let said = String(decoding: try Self.data("start-error-mount.txt"), as: UTF8.self)
        #expect(said.contains("error mounting"), "only the client that asked for the start is told: \(said)")
    }

    @Test func statsAndLogsDecode() throws {
        let reading = try StatsReading.decode(Self.data("stats-one-shot.json"))
        #expect(reading.memoryLimitBytes == 33_554_432)
        #expect(reading.memoryUsageBytes > 0)
        #expect(reading.inactiveFileBytes == 0, "Podman's memory_stats has no stats: no page cache figure")
        #expect(reading.cpuTotalNanos > 0 && reading.onlineCPUs > 0)

        let lines = LogLine.parse(try Self.bytes("logs-framed.bin"), tty: false)
        #expect(lines.map(\.text) == ["hello", "oops"])
        #expect(lines.map(\.stream) == [.stdout, .stderr])
        let time = try #require(lines.first?.timeNanos, "Podman's timestamps have whole seconds only")
        #expect(time % 1_000_000_000 == 0)
    }

    @Test func theCgroupSamplerFindsALibpodCgroup() throws {
        let inspect = try Self.inspect("fx-child")
        let sampler = CgroupSampler(procRoot: Fixtures.directory.appending(path: "podman/proc").path)
        let paths = try sampler.locate(pid: inspect.state.pid, containerID: inspect.id)
        #expect(paths.version == "v1")
        #expect(paths.containerDirectory == "/sys/fs/cgroup/memory/libpod_parent/libpod-\(inspect.id)")
    }

    /// Podman's captured lifecycles folded in stream order: only the `cleanup` of fx-mount's refused start and the
    /// `cleanup` of fx-noexec's (a command that does not exist, never started) are refused starts; a restart loop's
    /// `restart`/`init` and every `cleanup` after a `die` are not.
    @Test func aCleanupWithoutDieIsARefusedStart() async throws {
        let events = try Self.data("events.jsonl").split(separator: UInt8(ascii: "\n")).map { try EngineEvent.decode(line: Array($0)) }
        let facts = ContainerFacts()
        var refused: [String] = []
        for event in events where event.type == "container" {
            let previous = await facts.noteAction(event.baseAction, of: try #require(event.containerID))
            if RefusedStartCheck.isRefusedStart(action: event.baseAction, previous: previous) { refused.append(event.containerName ?? "?") }
        }
        #expect(refused == ["fx-mount", "fx-noexec"])
        #expect(try Self.inspect("fx-noexec").state.status == "created")
        #expect(try Self.inspect("fx-loop").restartCount == 2)
        #expect(!RefusedStartCheck.isRefusedStart(action: "cleanup", previous: nil), "with nothing seen before, a cleanup proves nothing")
        #expect(!RefusedStartCheck.isRefusedStart(action: "cleanup", previous: "die"))
        #expect(RefusedStartCheck.isRefusedStart(action: "cleanup", previous: "create"))
    }

    static func bytes(_ name: String) throws -> [UInt8] { Array(try data(name)) }
}
