import BlackboxStore
import Foundation
import Testing

/// A real compose stack (Debian's docker-compose v1, the local busybox image) recorded by the real `blackbox record`,
/// then `blackbox check` on its compose file: findings backed by the measured samples, exit status 1 on errors; and
/// the `--project` / `--service` views of the same history.
@Suite(.serialized, .enabled(if: TestEngine.available, TestEngine.skipReason))
struct EngineComposeTests {
    /// Runs docker-compose against the test engine.
    @discardableResult
    private func compose(_ arguments: [String]) throws -> BlackboxBinary.Result {
        try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["docker-compose"] + arguments, environment: ["DOCKER_HOST": TestEngine.address ?? ""])
    }

    @Test func checkReportsMeasuredMemoryAHeldPortAndAnUnwritableMountOfARecordedStack() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let project = TestEngine.uniqueName("stack").replacingOccurrences(of: "-", with: "")
        let holder = TestEngine.uniqueName("holder")
        let port = Int.random(in: 20000...40000)
        let file = directory.url.appending(path: "compose.yaml").path
        let importDirectory = directory.url.appending(path: "import").path
        try FileManager.default.createDirectory(atPath: importDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let yaml = """
            services:
              db:
                image: \(TestEngine.image)
                command: ["sleep", "600"]
                mem_limit: 64m
              api:
                image: \(TestEngine.image)
                command: ["httpd", "-f", "-p", "80"]
                depends_on: [db]
                ports:
                  - "\(port):80"
              importer:
                image: \(TestEngine.image)
                user: "1000:1000"
                command: ["sh", "-c", "echo imported > /import/today.csv"]
                volumes:
                  - ./import:/import
            """
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        defer {
            _ = try? compose(["-p", project, "-f", file, "down", "-t", "1"])
            _ = try? TestEngine.docker("rm", "-f", holder)
        }

        let recorder = try RecorderProcess(storePath: directory.storePath)
        try TestEngine.docker("run", "-d", "--name", holder, "-p", "\(port):80", TestEngine.image, "sleep", "300")
        // api cannot start (its host port is taken): docker-compose reports it and exits non-zero; db and importer run.
        let up = try compose(["-p", project, "-f", file, "up", "-d"])
        #expect(up.stderr.contains("port is already allocated"), "docker-compose up: \(up.stderr)")
        let store = try EventStore(path: directory.storePath, readOnly: true)
        let firstSamples = try TestEngine.wait(seconds: 30) { (try store.serviceUsage(project: project, service: "db", since: 0)?.samples ?? 0) >= 4 }
        // A recreated container is the same service with a new id.
        let recreate = try compose(["-p", project, "-f", file, "up", "-d", "--no-deps", "--force-recreate", "db"])
        #expect(recreate.status == 0, "\(recreate.stderr)")
        let bothSampled = try TestEngine.wait(seconds: 30) { (try store.serviceUsage(project: project, service: "db", since: 0)?.containers ?? 0) >= 2 }
        let importerFailed = try TestEngine.wait(seconds: 30) { !(try store.incidents(project: project, service: "importer").isEmpty) }
        let (status, stderr) = recorder.stop()
        #expect(status == 0, "record exited \(status):\n\(stderr)")
        #expect(firstSamples && bothSampled && importerFailed, "db sampled: \(firstSamples), recreated and sampled: \(bothSampled), importer failed: \(importerFailed)")
        let usage = try #require(try store.serviceUsage(project: project, service: "db", since: 0))

        let environment = ["DOCKER_HOST": TestEngine.address ?? ""]
        let check = try BlackboxBinary.run(["check", "-f", file, "-p", project, "--db", directory.storePath, "--window", "1h"], environment: environment)
        #expect(check.status == 1, "check should fail on its errors:\n\(check.stdout)\n\(check.stderr)")
        let required = usage.workingSetP99Bytes + 200 * 1_048_576
        let suggested = "\((required + 1_048_575) / 1_048_576)m"
        #expect(check.stdout.contains("\(file):5: error: db: mem_limit 64MiB is below the measured baseline plus 200MiB of headroom (p99 working set"))
        #expect(check.stdout.contains("fix: mem_limit: \(suggested)"), "\(check.stdout)")
        #expect(check.stdout.contains("\(file):11: error: host port \(port) of api is already published by the running container \(holder)"))
        #expect(check.stdout.contains("\(file):17: error: importer runs as uid 1000 gid 1000 but bind-mount source ./import (\(importDirectory)) is uid 0, gid 0, mode 0755, directory"))

        let json = try BlackboxBinary.run(["check", "-f", file, "-p", project, "--db", directory.storePath, "--window", "1h", "--json"], environment: environment)
        #expect(json.status == 1)
        let findings = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let memory = try #require(findings.first { $0["check"] as? String == "memory-limit" })
        let evidence = try #require(memory["evidence"] as? [String: Any])
        #expect((evidence["p99_working_set_bytes"] as? NSNumber)?.int64Value == usage.workingSetP99Bytes)
        #expect((evidence["samples"] as? NSNumber)?.intValue == usage.samples)
        #expect(memory["line"] as? Int == 5 && memory["severity"] as? String == "error" && memory["fix"] as? String == "mem_limit: \(suggested)")

        // The same history by project and service.
        let ps = try BlackboxBinary.run(["ps", "--all", "--project", project, "--service", "db", "--db", directory.storePath])
        let dbRows = ps.stdout.split(separator: "\n").dropFirst()
        #expect(dbRows.count == 2 && dbRows.allSatisfy { $0.hasPrefix("\(project)/db") }, "\(ps.stdout)")
        let incidents = try BlackboxBinary.run(["incidents", "--project", project, "--db", directory.storePath])
        #expect(incidents.stdout.hasPrefix("SERVICE"), "\(incidents.stdout)")
        #expect(incidents.stdout.contains("\(project)/importer"), "\(incidents.stdout)")
        #expect(!incidents.stdout.contains(holder))
        // docker-compose v1 labels the compose file (relative to its working_dir label) but sets no depends_on label.
        let shown = try BlackboxBinary.run(["incident", "show", "\(project)_importer_1", "--db", directory.storePath])
        #expect(shown.stdout.contains("compose      project \(project), service importer (\(file))"), "\(shown.stdout)")
        let api = try BlackboxBinary.run(["incident", "show", "\(project)_api_1", "--json", "--db", directory.storePath])
        let apiIncident = try #require(try JSONSerialization.jsonObject(with: Data(api.stdout.utf8)) as? [[String: Any]]).first
        let context = try #require(apiIncident?["compose"] as? [String: Any], "\(api.stdout)")
        #expect(context["depends_on"] as? [String] == ["db"] && context["depends_on_source"] as? String == "compose file")
        let events = try BlackboxBinary.run(["events", "--project", project, "--service", "importer", "--db", directory.storePath])
        #expect(events.stdout.contains("container die") && !events.stdout.contains("\(project)_db_1"), "\(events.stdout)")
    }
}
