import DockerEngine
import Foundation
import Testing

@Suite struct InspectAndStatsTests {
    @Test func readsAnOOMKilledContainer() throws {
        let inspect = try ContainerInspect.decode(Fixtures.data("inspect-fx-oom.json"))
        #expect(inspect.name == "fx-oom")
        #expect(inspect.state.oomKilled)
        #expect(inspect.state.exitCode == 137)
        #expect(inspect.state.status == "exited")
        #expect(inspect.hostConfig.memoryBytes == 32 * 1024 * 1024)
        #expect(try #require(inspect.state.finishedAtNanos) >= (try #require(inspect.state.startedAtNanos)))
    }

    @Test func readsStartFailuresFromStateError() throws {
        let conflict = try ContainerInspect.decode(Fixtures.data("inspect-fx-conflict.json"))
        #expect(conflict.state.status == "created")
        #expect(conflict.state.error.contains("port is already allocated"))
        #expect(conflict.state.startedAtNanos == nil)
        let noexec = try ContainerInspect.decode(Fixtures.data("inspect-fx-noexec.json"))
        #expect(noexec.state.exitCode == 127)
        #expect(noexec.state.error.contains("no such file or directory"))
    }

    @Test func readsHealthLimitsAndTTY() throws {
        let health = try ContainerInspect.decode(Fixtures.data("inspect-fx-health.json"))
        #expect(health.state.healthStatus == "unhealthy")
        let limited = try ContainerInspect.decode(Fixtures.data("inspect-fx-limited.json"))
        #expect(limited.hostConfig.cpuLimit == 0.5)
        #expect(limited.config.env.contains("API_TOKEN=fixture-secret"))
        #expect(try ContainerInspect.decode(Fixtures.data("inspect-fx-tty.json")).config.tty)
        #expect(!limited.config.tty)
    }

    @Test func readsStatsCountersOnCgroupV1() throws {
        let reading = try StatsReading.decode(Fixtures.data("stats-one-shot.json"))
        #expect(reading.memoryLimitBytes == 64 * 1024 * 1024)
        #expect(reading.onlineCPUs >= 1)
        #expect(reading.cpuTotalNanos > 0)
        #expect(reading.readNanos > 0)
        let sample = ResourceSample(containerID: "c", current: reading, previous: nil, cpuLimit: 0.5)
        #expect(sample.cpuPercent == nil)
        #expect(sample.memoryWorkingSetBytes == Int64(reading.memoryUsageBytes - reading.inactiveFileBytes))
    }

    @Test func computesCPUPercentLikeTheDockerCLI() throws {
        let base = try StatsReading.decode(Fixtures.data("stats-one-shot.json"))
        var previous = base
        previous.cpuTotalNanos = 1_000_000_000
        previous.systemCPUNanos = 10_000_000_000
        previous.onlineCPUs = 2
        var current = previous
        current.cpuTotalNanos = 1_500_000_000
        current.systemCPUNanos = 20_000_000_000
        // 0.5 s of CPU over 10 s of system time on 2 CPUs: 10 % as docker stats shows it.
        let limited = ResourceSample(containerID: "c", current: current, previous: previous, cpuLimit: 0.5)
        #expect(abs((limited.cpuPercent ?? 0) - 10) < 1e-9)
        #expect(abs((limited.cpuPercentOfLimit ?? 0) - 20) < 1e-9)
        let unlimited = ResourceSample(containerID: "c", current: current, previous: previous, cpuLimit: nil)
        #expect(abs((unlimited.cpuPercentOfLimit ?? 0) - 5) < 1e-9)
    }

    @Test func demultiplexesFramedLogsAndReadsTTYLogs() throws {
        let framed = LogLine.parse(try Fixtures.bytes("logs-framed.bin"), tty: false)
        #expect(framed.map(\.text).sorted() == ["hello", "oops"])
        #expect(framed.first { $0.text == "oops" }?.stream == .stderr)
        #expect(framed.first { $0.text == "hello" }?.stream == .stdout)
        #expect(framed.allSatisfy { $0.timeNanos != nil })
        let tty = LogLine.parse(try Fixtures.bytes("logs-tty.bin"), tty: true)
        #expect(tty.map(\.text) == ["on a tty"])
        #expect(tty.first?.stream == .tty)
    }

    @Test func splitsAFrameHoldingSeveralLinesAndALineSpanningFrames() {
        func frame(_ stream: UInt8, _ text: String) -> [UInt8] {
            let payload = Array(text.utf8)
            let length = UInt32(payload.count)
            return [stream, 0, 0, 0, UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + payload
        }
        let body = frame(1, "one\ntwo\nthr") + frame(1, "ee\n") + frame(2, "err")
        let lines = LogLine.parse(body, tty: false)
        #expect(lines.map(\.text) == ["one", "two", "three", "err"])
        #expect(lines.last?.stream == .stderr)
        // The engine splits a long line into 16 KiB frames; a 1.5 MB line and the line after it both come back.
        let chunk = String(repeating: "A", count: 16_384)
        let long = (0..<92).flatMap { _ in frame(1, chunk) } + frame(1, "\nsh: Read-only file system\n")
        let parsed = LogLine.parse(long, tty: false)
        #expect(parsed.map(\.text) == [String(repeating: chunk, count: 92), "sh: Read-only file system"])
    }
}
