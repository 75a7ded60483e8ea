import BlackboxStore
import DockerEngine
import Foundation
import Recorder
import Testing

/// The cgroup sampler against the engine's stats API on the private engine, and `record --sampler` choosing between them.
@Suite(.serialized, .enabled(if: TestEngine.available, TestEngine.skipReason))
struct EngineSamplerTests {
    /// Reads both samplers back to back, twice a second apart, and turns each pair into a sample.
    private func sampleBoth(_ client: DockerClient, _ inspect: ContainerInspect) async throws -> (cgroup: ResourceSample, api: ResourceSample) {
        let sampler = CgroupSampler()
        let paths = try sampler.locate(pid: inspect.state.pid, containerID: inspect.id)
        let firstFiles = try sampler.read(paths, pid: inspect.state.pid)
        let firstAPI = try await client.statsOneShot(inspect.id)
        try await Task.sleep(for: .seconds(2))
        let secondFiles = try sampler.read(paths, pid: inspect.state.pid)
        let secondAPI = try await client.statsOneShot(inspect.id)
        let limit = inspect.hostConfig.cpuLimit
        return (
            ResourceSample(containerID: inspect.id, current: secondFiles, previous: firstFiles, cpuLimit: limit),
            ResourceSample(containerID: inspect.id, current: secondAPI, previous: firstAPI, cpuLimit: limit)
        )
    }

    @Test func bothSamplersAgreeOnLimitWorkingSetAndCPUUnderABusyLoop() async throws {
        let name = TestEngine.uniqueName("sampler")
        // 8 MiB held in a shell variable, then a busy loop under a one-CPU limit.
        try TestEngine.docker(
            "run", "-d", "--name", name, "--memory", "96m", "--cpus", "1", TestEngine.image, "sh", "-c",
            #"y=a; i=0; while [ $i -lt 23 ]; do y=$y$y; i=$((i+1)); done; while :; do :; done"#)
        defer { _ = try? TestEngine.docker("rm", "-f", name) }
        let client = try await DockerClient.connect(to: EngineAddress(parsing: try #require(TestEngine.address)))
        let (inspect, _) = try await client.inspectContainer(name)
        try await Task.sleep(for: .seconds(2))
        let (cgroup, api) = try await sampleBoth(client, inspect)
        await client.shutdown()

        #expect(cgroup.memoryLimitBytes == Int64(96 * 1024 * 1024))
        #expect(cgroup.memoryLimitBytes == api.memoryLimitBytes)
        #expect(cgroup.memoryWorkingSetBytes > Int64(8 * 1024 * 1024))
        #expect(abs(cgroup.memoryWorkingSetBytes - api.memoryWorkingSetBytes) <= Int64(2 * 1024 * 1024))
        #expect(cgroup.pids == api.pids)
        #expect(cgroup.networkRxBytes == api.networkRxBytes)
        let cgroupCPU = try #require(cgroup.cpuPercent)
        let apiCPU = try #require(api.cpuPercent)
        // A busy loop under --cpus 1 runs near 100 % of one CPU; the machine is shared, so allow for less.
        #expect(cgroupCPU > 30, "cgroup CPU \(cgroupCPU) %, API \(apiCPU) %")
        #expect(abs(cgroupCPU - apiCPU) <= max(15, apiCPU * 0.2), "cgroup CPU \(cgroupCPU) %, API \(apiCPU) %")
        #expect(abs((cgroup.cpuPercentOfLimit ?? 0) - cgroupCPU) < 1e-9)
    }

    @Test func recordSamplesFromCgroupFilesByDefaultAndThroughTheAPIWhenAsked() throws {
        let name = TestEngine.uniqueName("mode")
        try TestEngine.docker("run", "-d", "--name", name, "--memory", "64m", TestEngine.image, "sleep", "300")
        defer { _ = try? TestEngine.docker("rm", "-f", name) }
        for (arguments, expected) in [([String](), "sampling containers from their cgroup files"), (["--sampler", "api"], "sampling containers through the engine's stats API")] {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let recorder = try RecorderProcess(storePath: directory.storePath, extraArguments: arguments)
            let store = try EventStore(path: directory.storePath, readOnly: true)
            let sampled = try TemporaryDirectory.waitForStore {
                let ids = try store.containerIDs(matching: name)
                return try !ids.isEmpty && store.samples(containerIDs: ids).count >= 3
            }
            let (status, stderr) = recorder.stop()
            #expect(sampled, "no samples of \(name) with \(arguments); recorder log:\n\(stderr)")
            #expect(status == 0)
            #expect(stderr.contains(expected), "\(arguments): the log does not say '\(expected)':\n\(stderr)")
            let samples = try store.samples(containerIDs: try store.containerIDs(matching: name))
            #expect(samples.allSatisfy { $0.memoryLimitBytes == Int64(64 * 1024 * 1024) })
            #expect(samples.dropFirst().allSatisfy { $0.cpuPercent != nil })
        }
    }

    @Test func aTCPEngineRefusesTheCgroupSampler() throws {
        let result = try BlackboxBinary.run(["record", "--db", "/tmp/blackbox-never-created.sqlite", "--host", "tcp://127.0.0.1:1", "--sampler", "cgroup"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--sampler cgroup needs the engine on this host"))
    }
}
