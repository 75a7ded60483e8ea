import BlackboxCore
@testable import BlackboxCLI
import Foundation
import Testing

@Suite struct CLITests {
    @Test func parsesDurationsAndTimestampsLikeDockerEvents() throws {
        let now = Date(timeIntervalSince1970: 1_000_000)
        #expect(TimeArgument.parse("10m", now: now) == Int64(999_400_000_000_000))
        #expect(TimeArgument.parse("1h30m", now: now) == Int64(994_600_000_000_000))
        #expect(TimeArgument.parse("2026-11-29T09:32:44Z", now: now) == 1_795_944_764_000_000_000)
        #expect(TimeArgument.parse("1795944764.5", now: now) == 1_795_944_764_500_000_000)
        #expect(TimeArgument.parse("soon", now: now) == nil)
        #expect(TimeArgument.parse("10x", now: now) == nil)
        for huge in ["1e10", "99999999999999999999", "9999999999999999d", "inf", "9223372036854775807", "nan"] {
            #expect(TimeArgument.parse(huge, now: now) == nil, "\(huge) was accepted")
        }
    }

    /// A fix's command is never broken across lines (the fresh-user check found `docker ps --filter` / `publish=18080`
    /// on two lines); a span longer than the width gets a line of its own.
    /// Options that are enumerations or durations are parsed into their types by the argument parser.
    @Test func enumerationAndDurationOptionsAreTyped() throws {
        let record = try RecordCommand.parse(["--sampler", "cgroup", "--error-bursts", "off", "--interval", "1h30m", "--keep-events", "12h", "--log-level", "debug"])
        #expect(record.sampler == .cgroup)
        #expect(record.errorBursts == .off)
        #expect(record.interval.nanos == 5_400_000_000_000)
        #expect(record.retention.policy.keepEventsNanos == 43_200_000_000_000)
        #expect(record.retention.policy.keepSamplesNanos == 7 * 86_400_000_000_000, "the default, 7d")
        #expect(record.logging.logLevel == .debug)
        #expect(throws: (any Error).self) { try RecordCommand.parse(["--sampler", "proc"]) }
        #expect(throws: (any Error).self) { try RecordCommand.parse(["--interval", "10ms"]) }
        #expect(throws: (any Error).self) { try CheckCommand.parse(["--window", "0s"]) }
        #expect(DurationArgument(argument: "-5m") == nil)
    }

    @Test func wrapsBetweenWordsButNotInsideACommand() {
        let fix = "find the holder with `docker ps --filter publish=18080` and stop it, e.g. `docker stop web`"
        #expect(
            IncidentReport.wrap(fix, width: 40) == [
                "find the holder with", "`docker ps --filter publish=18080` and", "stop it, e.g. `docker stop web`",
            ])
        #expect(IncidentReport.wrap(fix, width: 10).contains("`docker ps --filter publish=18080`"))
        #expect(IncidentReport.wrap("a b c d", width: 3) == ["a b", "c d"])
    }

    @Test func alignsTablesLikeTheDockerCLI() {
        let table = TableRenderer.render(headers: ["NAME", "STATUS"], rows: [["web", "Up 5 minutes"], ["database", "Exited (137)"]])
        #expect(table == "NAME       STATUS\nweb        Up 5 minutes\ndatabase   Exited (137)")
        #expect(Units.bytes(Int64(64 * 1024 * 1024)) == "64MiB")
        #expect(Units.bytes(Int64(512)) == "512B")
        #expect(Units.bytes(Int64(1536)) == "1.5KiB")
        #expect(Units.span(nanos: Int64(3_725_000_000_000)) == "1h02m")
        #expect(Units.span(nanos: Int64(185_000_000_000)) == "3m05s")
        #expect(Units.span(nanos: Double.infinity) == "106751d23h", "clamped, not a crash")
        #expect(Units.span(nanos: Int64(-5)) == "0ms")
        #expect(Units.elapsed(since: .min, now: .max) == "106751 days", "no overflow")
    }

    @Test func anUnreachableEngineNamesTheAddressAndExitsNonZero() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try BlackboxBinary.run(["record", "--db", directory.storePath, "--host", "unix:///nonexistent/docker.sock"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("unix:///nonexistent/docker.sock"))
        #expect(result.stderr.contains("DOCKER_HOST"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).isEmpty, "nothing is created when the engine is unreachable")
    }

    @Test func anUnwritableStoreNamesThePath() throws {
        for command in [["prune"], ["replay"]] {
            let result = try BlackboxBinary.run(command + ["--db", "/proc/blackbox.sqlite"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("/proc/blackbox.sqlite"), "\(command): \(result.stderr)")
        }
    }

    @Test func readCommandsWithoutAStoreSayHowToMakeOne() throws {
        let result = try BlackboxBinary.run(["events", "--db", "/nonexistent-\(UUID())/x.sqlite"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("blackbox record"))
    }
}
