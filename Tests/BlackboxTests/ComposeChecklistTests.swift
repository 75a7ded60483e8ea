@testable import BlackboxCLI
import BlackboxStore
import Compose
import DockerEngine
import BlackboxViews
import Foundation
import Playbooks
import Testing

/// `blackbox check`'s findings on the fixture project (`Fixtures/compose/shop`, merged with `compose.prod.yaml`):
/// exact file:line, severity and fix, first from the files alone, then against a recorded history.
@Suite struct ComposeChecklistTests {
    static let mebibyte: Int64 = 1_048_576

    private func summary(_ findings: [Finding]) -> [String] {
        findings.map { "\($0.location) \($0.severity.rawValue) \($0.check)\($0.service.map { " " + $0 } ?? "")" }
    }

    private func finding(_ findings: [Finding], _ check: String, _ service: String?) throws -> Finding {
        try #require(findings.first { $0.check == check && $0.service == service }, "no \(check) finding for \(service ?? "the project")")
    }

    @Test func reportsWhatTheFilesAloneShowWithFileAndLine() throws {
        let fixture = try ComposeFixture()
        defer { fixture.directory.remove() }
        let findings = try Checklist(project: try fixture.load(), store: nil, lookups: NoLookups(), onEngineHost: true, now: 0).run()
        #expect(
            summary(findings) == [
                "compose.yaml:0 info start-order",
                "compose.yaml:3 info history db",
                "compose.yaml:5 warning shutdown db",
                "compose.yaml:12 warning credential db",
                "compose.yaml:16 info history api",
                "compose.yaml:20 warning depends-on api",
                "compose.yaml:25 warning state-path api",
                "compose.yaml:26 error variable api",
                "compose.yaml:33 info history importer",
                "compose.yaml:37 error bind-mount importer",
                "compose.yaml:38 error bind-mount importer",
                "compose.yaml:44 error depends-on importer",
                "compose.prod.yaml:7 error port importer",
                "api.env:1 warning state-path api",
            ])
        #expect(try finding(findings, "start-order", nil).message == "start order: db, api, importer (stop order: the reverse)")
        let credential = try finding(findings, "credential", "db")
        #expect(credential.message == "DB_PASSWORD of db is written literally in compose.yaml (value not shown)")
        #expect(!findings.contains { $0.message.contains("hunter2") || ($0.fix ?? "").contains("hunter2") })
        #expect(try finding(findings, "variable", "api").message == "${API_URL} is used without a default and is not set")
        #expect(try finding(findings, "shutdown", "db").fix?.hasPrefix("init: true") == true)
        #expect(try finding(findings, "depends-on", "api").fix == "depends_on: {db: {condition: service_healthy}}")
        let statePaths = findings.filter { $0.check == "state-path" }
        #expect(statePaths.map(\.fix) == [
            "mount a volume at /var/lib/api: add `- api-data:/var/lib/api` to api's volumes (and `api-data:` under top-level volumes)",
            "mount a volume at /cache: add `- api-data:/cache` to api's volumes (and `api-data:` under top-level volumes)",
        ])
        let mounts = findings.filter { $0.check == "bind-mount" }
        #expect(mounts[0].message == "importer runs as uid 1000 gid 1000 but bind-mount source ./import (\(fixture.path)/import) is uid 0, gid 0, mode 0755, directory: it cannot write to /import")
        #expect(mounts[0].fix?.hasPrefix("chown -R 1000:1000 \(fixture.path)/import") == true)
        #expect(mounts[1].message.contains("does not exist: the engine would create it as an empty directory owned by root"))
        #expect(mounts[1].message.contains("/etc/importer.conf looks like a file, and a file mounted this way becomes an empty directory"))
        #expect(mounts[1].fix == "create the file \(fixture.path)/missing.conf before deploying")
        #expect(try finding(findings, "port", "importer").message == "host port 8080/tcp is published twice in the project: by importer here and by api at compose.yaml:22")
        #expect(try finding(findings, "depends-on", "importer").message == "importer waits for api to be healthy, but api has no health check in the compose file")
    }

    @Test func aWritableMountAndAVariableSetInTheEnvironmentAreNotFindings() throws {
        let fixture = try ComposeFixture()
        defer { fixture.directory.remove() }
        try FileManager.default.setAttributes([.ownerAccountID: 1000, .groupOwnerAccountID: 1000], ofItemAtPath: fixture.path + "/import")
        try Data().write(to: URL(fileURLWithPath: fixture.path + "/missing.conf"))
        let project = try fixture.load(environment: ["API_URL": "http://db:5432"])
        let findings = try Checklist(project: project, store: nil, lookups: NoLookups(), onEngineHost: true, now: 0).run()
        #expect(!findings.contains { $0.check == "bind-mount" || $0.check == "variable" })
        let remote = try Checklist(project: project, store: nil, lookups: NoLookups(), onEngineHost: false, now: 0).run()
        #expect(remote.filter { $0.check == "bind-mount" }.map(\.severity) == [.info])
    }

    @Test func reportsADependencyCycle() throws {
        let fixture = try ComposeFixture()
        defer { fixture.directory.remove() }
        let yaml = """
            services:
              a:
                depends_on: [b]
              b:
                depends_on: [c]
              c:
                depends_on: [a]
            """
        try yaml.write(toFile: fixture.path + "/cycle.yaml", atomically: true, encoding: .utf8)
        let findings = try Checklist(project: try fixture.load(["cycle.yaml"]), store: nil, lookups: NoLookups(), onEngineHost: true, now: 0).run()
        let cycle = try #require(findings.first { $0.check == "depends-on" && $0.severity == .error })
        #expect(cycle.message == "dependency cycle: a → b → c → a: compose cannot start these services")
        #expect(cycle.location == ComposeLocation(file: "cycle.yaml", line: 3))
        #expect(!findings.contains { $0.check == "start-order" })
    }

    @Test func secretPointersAndCompletedDependenciesAreNotFindings() throws {
        let fixture = try ComposeFixture()
        defer { fixture.directory.remove() }
        let yaml = """
            services:
              migrate: {image: app}
              app:
                image: app
                environment: {DB_PASSWORD_FILE: /run/secrets/db, DB_PASSWORD: hunter2}
                depends_on: {migrate: {condition: service_completed_successfully}}
            """
        try yaml.write(toFile: fixture.path + "/app.yaml", atomically: true, encoding: .utf8)
        let findings = try Checklist(project: try fixture.load(["app.yaml"]), store: nil, lookups: NoLookups(), onEngineHost: true, now: 0).run()
        #expect(findings.filter { $0.check == "credential" }.map(\.message) == ["DB_PASSWORD of app is written literally in app.yaml (value not shown)"])
        #expect(!findings.contains { $0.check == "depends-on" }, "waiting for a one-shot service to complete needs no health check")
    }

    @Test func aHostPortHeldByAProcessOfThisHostIsAnErrorNamingIt() throws {
        let fixture = try ComposeFixture()
        defer { fixture.directory.remove() }
        let listener = try TCPListener()
        defer { listener.close() }
        try "services:\n  web:\n    ports: [\"\(listener.port):80\"]\n".write(toFile: fixture.path + "/web.yaml", atomically: true, encoding: .utf8)
        let project = try fixture.load(["web.yaml"])
        let lookups = HostLookups(store: nil)
        let findings = try Checklist(project: project, store: nil, lookups: lookups, onEngineHost: true, now: 0).run()
        let port = try finding(findings, "port", "web")
        #expect(port.severity == .error)
        #expect(port.location == ComposeLocation(file: "web.yaml", line: 3))
        #expect(port.message.hasPrefix("host port \(listener.port) of web is already in use on this host by pid \(getpid()) ("))
        let remote = try Checklist(project: project, store: nil, lookups: lookups, onEngineHost: false, now: 0).run()
        #expect(!remote.contains { $0.check == "port" })
    }

    @Test func onlyAShellThatStaysPID1IsAShutdownFinding() throws {
        let fixture = try ComposeFixture()
        defer { fixture.directory.remove() }
        let yaml = """
            services:
              execs: {command: sh -c "exec app --serve"}
              single: {command: ["sh", "-c", "sleep 5"]}
              init: {command: sh -c "prepare; app", init: true}
              stays: {entrypoint: ["/bin/bash", "-c"], command: ["prepare && app"]}
              execslast: {command: ["sh", "-c", "sleep 1 && exec sleep 1000"]}
              traps: {command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]}
            """
        try yaml.write(toFile: fixture.path + "/shells.yaml", atomically: true, encoding: .utf8)
        let findings = try Checklist(project: try fixture.load(["shells.yaml"]), store: nil, lookups: NoLookups(), onEngineHost: true, now: 0).run()
        #expect(findings.filter { $0.check == "shutdown" }.map(\.service) == ["stays"])
    }

    @Test func measuresLimitsAgainstTheRecordedHistoryOfTheSameServices() throws {
        let fixture = try ComposeFixture()
        defer { fixture.directory.remove() }
        let store = try EventStore(path: fixture.directory.storePath)
        var history = ComposeHistory(store: store, project: "shop")
        let limit = 96 * Self.mebibyte
        // db, first container: working set 1…50 MiB (p99 = 50 MiB), against its CPU limit, then OOM-killed.
        let db1 = try history.start("db", hostConfig: ["Memory": limit, "NanoCpus": 500_000_000, "RestartPolicy": ["Name": "always"]])
        try history.samples(db1, workingSets: (1...50).map { $0 * Self.mebibyte }, limit: limit, cpuPercent: 47, cpuPercentOfLimit: 95, throttledPerSample: 10)
        try history.engine(db1, "oom")
        try history.engine(db1, "die", exitCode: 137)
        try history.inspect(db1, status: "exited", exitCode: 137, hostConfig: ["Memory": limit])
        // db, recreated: a restart loop under restart: always.
        let db2 = try history.start("db", number: 2, hostConfig: ["Memory": limit, "RestartPolicy": ["Name": "always"]])
        for round in 0..<3 {
            if round > 0 { try history.engine(db2, "start") }
            try history.engine(db2, "die", exitCode: 1)
        }
        try history.inspect(db2, status: "exited", exitCode: 1, hostConfig: ["Memory": limit, "RestartPolicy": ["Name": "always"]])
        // db, recreated again: a stop that ran out of time.
        let db3 = try history.start("db", number: 3, hostConfig: ["Memory": limit])
        try history.engine(db3, "kill", signal: "15")
        try history.engine(db3, "kill", signal: "9")
        try history.engine(db3, "die", exitCode: 137)
        // importer wrote to its read-only mount.
        let mounts: [[String: Any]] = [["Type": "bind", "Source": fixture.path + "/reports", "Destination": "/reports", "RW": false]]
        let importer = try history.start("importer", mounts: mounts)
        try history.logTail(importer, ["sh: can't create /reports/today.csv: Read-only file system"])
        try history.engine(importer, "die", exitCode: 1)
        try history.inspect(importer, status: "exited", exitCode: 1, mounts: mounts)
        // Another project's container holds host port 8080.
        _ = try history.start("web", project: "other", hostConfig: ["PortBindings": ["80/tcp": [["HostIp": "", "HostPort": "8080"]]]])
        // The engine's host has 1 GiB: api's 1g limit is more than it, and the limits add up to more.
        try store.append(
            .engineInfo(
                address: "unix:///var/run/docker.sock", apiVersion: "1.41", versionJSON: "{}", infoJSON: Data(#"{"MemTotal": 1000000000}"#.utf8),
                timeNanos: history.time))
        let diagnoser = IncidentDiagnoser(store: store, playbooks: PlaybookLibrary.builtIn.playbooks, lookups: NoLookups())
        for incident in try store.incidents() { try diagnoser.diagnose(incident) }

        let checklist = Checklist(
            project: try fixture.load(environment: ["API_URL": "http://db"]), store: store, lookups: HostLookups(store: store), onEngineHost: true,
            now: history.time + 1_000_000_000)
        let findings = try checklist.run()
        let incidents = try store.incidents(project: "shop", service: "db")
        let oomIncident = try #require(incidents.first { $0.triggerKinds.contains("oom") })
        let loopIncident = try #require(incidents.first { $0.occurrences == 3 })

        let memory = try finding(findings, "memory-limit", "db")
        #expect(memory.severity == .error)
        #expect(memory.location == ComposeLocation(file: "compose.prod.yaml", line: 3))
        #expect(memory.message == "db: mem_limit 96MiB is below the measured baseline plus 200MiB of headroom (p99 working set 50MiB over 50 samples in the last 7d)")
        #expect(memory.evidence.first { $0.name == "p99_working_set_bytes" }?.value == .integer(50 * Self.mebibyte))
        // The p99 is 50 MiB, but it was OOM-killed at 96 MiB: the suggestion starts from the larger.
        #expect(memory.fix == "mem_limit: 296m")

        let oom = try finding(findings, "oom", "db")
        #expect(oom.severity == .error)
        #expect(oom.message.contains("was OOM-killed with this same limit of 96MiB: incident \(oomIncident.id ?? 0)"))
        #expect(oom.fix == "mem_limit: 296m (details: `blackbox incident show \(oomIncident.id ?? 0)`)")
        // Nanosecond times stay exact, in the finding and in `check --json` (a Double would round them).
        #expect(oom.evidence.first { $0.name == "oom_killed_ns" }?.value == .integer(oomIncident.lastNanos))
        let json = String(decoding: try JSONEncoder().encode(FindingView(oom)), as: UTF8.self)
        #expect(json.contains("\"oom_killed_ns\":\(oomIncident.lastNanos)"), "\(json)")

        let cpu = try finding(findings, "cpu-limit", "db")
        #expect(cpu.location == ComposeLocation(file: "compose.yaml", line: 7))
        #expect(cpu.message == "db runs against its CPU limit of 0.5: p95 CPU is 95% of the limit (0.47 CPUs) and it was throttled in 490 more periods over the last 7d")
        #expect(cpu.fix?.hasPrefix("cpus: 1 ") == true)

        let loop = try finding(findings, "restart-loop", "db")
        #expect(loop.location == ComposeLocation(file: "compose.yaml", line: 10))
        #expect(loop.message.hasSuffix("was in a restart loop (3 failures): incident \(loopIncident.id ?? 0) (\(Timestamp.rfc3339(unixNanos: loopIncident.lastNanos)))"))

        let shutdown = try #require(findings.first { $0.check == "shutdown" && $0.location.file == "compose.prod.yaml" })
        #expect(shutdown.location.line == 4)
        #expect(shutdown.message.hasPrefix("db was killed with SIGKILL after its stop timeout 1 time"))
        #expect(shutdown.fix?.hasSuffix("stop_grace_period: 90s") == true)

        let port = try #require(findings.first { $0.check == "port" && $0.service == "api" })
        #expect(port.severity == .error)
        #expect(port.message.hasPrefix("host port 8080 of api is already published by the running container other_web_1 (compose project other)"))

        #expect(findings.filter { $0.check == "bind-mount" && $0.service == "importer" }.map(\.location.line) == [37, 38, 39])
        let readOnlyWrite = try #require(findings.first { $0.check == "bind-mount" && $0.location.line == 39 })
        #expect(readOnlyWrite.severity == .warning)
        #expect(readOnlyWrite.message.hasPrefix("importer failed writing to /reports, mounted read-only here: incident"))

        #expect(findings.filter { $0.check == "history" }.map(\.service) == ["api"])

        let tooLarge = try finding(findings, "memory-limit", "api")
        #expect(tooLarge.location == ComposeLocation(file: "compose.yaml", line: 32))
        #expect(tooLarge.message == "api: deploy.resources.limits.memory 1GiB is more than the engine host's memory (954MiB): it never applies")
        let total = try finding(findings, "memory-limit", nil)
        #expect(total.message.hasPrefix("the project's memory limits add up to 1.09GiB, more than the engine host's memory (954MiB)"))
    }
}
