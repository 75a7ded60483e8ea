import Compose
import Foundation
import Testing

/// Reading compose files: lines, interpolation from the environment and `.env`, `env_file`, multi-file merge.
@Suite struct ComposeFileTests {
    @Test func mergesFilesInOrderAndKeepsTheLineOfTheValueThatWon() throws {
        let fixture = try ComposeFixture()
        defer { fixture.directory.remove() }
        let project = try fixture.load()
        #expect(project.name == "shop")
        #expect(project.services.map(\.name) == ["db", "api", "importer"])
        let db = try #require(project.service("db"))
        #expect(db.memoryLimit?.value == .init(bytes: 96 * 1_048_576, key: "mem_limit"))
        #expect(db.memoryLimit?.location == ComposeLocation(file: "compose.prod.yaml", line: 3))
        #expect(db.stopGracePeriodNanos?.value == 30_000_000_000)
        #expect(db.cpus?.value == 0.5)
        #expect(db.restart?.value == "always")
        #expect(db.hasHealthcheck)
        #expect(db.command?.value == ComposeCommand(words: ["sh", "-c", "echo starting; sleep 3600"], writtenAsString: true))
        let importer = try #require(project.service("importer"))
        #expect(importer.ports.map(\.hostPorts) == [8080...8080])
        #expect(importer.ports.first?.location == ComposeLocation(file: "compose.prod.yaml", line: 7))
        #expect(importer.volumes.map(\.kind) == [.bind, .bind, .bind])
        #expect(importer.volumes.map(\.source) == [fixture.path + "/import", fixture.path + "/missing.conf", fixture.path + "/reports"])
        #expect(importer.volumes.map(\.readOnly) == [false, false, true])
        #expect(importer.dependsOn.map(\.condition) == ["service_healthy"])
        #expect(importer.user?.value == "1000:1000")
    }

    @Test func interpolatesFromTheEnvironmentOverDotEnvAndRecordsUnsetVariables() throws {
        let fixture = try ComposeFixture()
        defer { fixture.directory.remove() }
        let fromDotEnv = try fixture.load()
        let api = try #require(fromDotEnv.service("api"))
        #expect(api.ports.map(\.hostPorts) == [8080...8080, 9300...9300])
        #expect(api.memoryLimit?.value == .init(bytes: 1_073_741_824, key: "deploy.resources.limits.memory"))
        #expect(fromDotEnv.unsetVariables.map(\.name) == ["API_URL"])
        #expect(fromDotEnv.unsetVariables.first?.location == ComposeLocation(file: "compose.yaml", line: 26))

        let fromShell = try fixture.load(environment: ["API_DEBUG_PORT": "9400", "API_URL": "http://db", "DB_MEMORY": "2g"])
        #expect(fromShell.service("api")?.ports.map(\.hostPorts) == [8080...8080, 9400...9400])
        #expect(fromShell.service("api")?.variable("API_URL")?.value == "http://db")
        #expect(fromShell.service("db")?.memoryLimit?.value.bytes == 2_147_483_648)
        #expect(fromShell.unsetVariables.isEmpty)
    }

    @Test func readsEnvFileEntriesWithTheirOwnFileAndLine() throws {
        let fixture = try ComposeFixture()
        defer { fixture.directory.remove() }
        let api = try #require(try fixture.load().service("api"))
        let cache = try #require(api.variable("CACHE_DIR"))
        #expect(cache.value == "/cache")
        #expect(cache.location == ComposeLocation(file: "api.env", line: 1))
        #expect(!cache.literalInComposeFile)
        #expect(api.variable("STATE_FILE")?.literalInComposeFile == true)
        #expect(api.variable("API_TOKEN")?.value == "")
        #expect(api.variable("API_TOKEN")?.literalInComposeFile == false)
    }

    @Test func findsTheDefaultFileAndItsOverride() throws {
        let fixture = try ComposeFixture()
        defer { fixture.directory.remove() }
        try FileManager.default.moveItem(atPath: fixture.path + "/compose.prod.yaml", toPath: fixture.path + "/compose.override.yaml")
        let project = try ComposeLoader.load(files: [], environment: [:], workingDirectory: fixture.path)
        #expect(project.files == ["compose.yaml", "compose.override.yaml"])
        #expect(project.service("db")?.memoryLimit?.value.bytes == Int64(96 * 1_048_576))
        #expect(throws: ComposeProblem.self) { try ComposeLoader.load(files: [], environment: [:], workingDirectory: fixture.path + "/reports") }
    }

    @Test func reportsProblemsInTheFileWithTheirLines() throws {
        let fixture = try ComposeFixture()
        defer { fixture.directory.remove() }
        try "services:\n  web: [\n".write(toFile: fixture.path + "/broken.yaml", atomically: true, encoding: .utf8)
        let broken = try fixture.load(["broken.yaml"])
        #expect(broken.problems.count == 1)
        #expect(broken.problems.first?.message.hasPrefix("not valid YAML") == true)
        let yaml = """
            services:
              web:
                mem_limit: lots
                ports:
                  - "80:80:80:80"
                depends_on: 3
            """
        try yaml.write(toFile: fixture.path + "/bad.yaml", atomically: true, encoding: .utf8)
        #expect(try fixture.load(["bad.yaml"]).problems.map(\.description) == [
            "bad.yaml:3: error: mem_limit 'lots' is not a size such as 512m or 2g",
            "bad.yaml:5: error: port '80:80:80:80' is not [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]",
            "bad.yaml:6: error: depends_on must be a list of services or a mapping of services to their condition",
        ])
    }

    @Test func interpolationFollowsComposeRules() throws {
        let fixture = try ComposeFixture()
        defer { fixture.directory.remove() }
        let yaml = """
            services:
              web:
                environment:
                  A: ${SET:-default}
                  B: ${EMPTY:-default}
                  C: ${EMPTY-default}
                  D: $$HOME and $SET
                  E: ${MISSING:-${SET}}
                  F: ${NEEDED:?set NEEDED first}
                  G: ${SET:+replaced}
            """
        try yaml.write(toFile: fixture.path + "/vars.yaml", atomically: true, encoding: .utf8)
        let project = try fixture.load(["vars.yaml"], environment: ["SET": "value", "EMPTY": ""])
        let web = try #require(project.service("web"))
        #expect(web.environment.map { "\($0.name)=\($0.value ?? "nil")" } == ["A=value", "B=default", "C=", "D=$HOME and value", "E=value", "F=", "G=replaced"])
        #expect(project.unsetVariables.map(\.name) == ["NEEDED"])
        #expect(project.unsetVariables.first?.message == "set NEEDED first")
        #expect(project.unsetVariables.first?.location.line == 9)
    }

    @Test func deployLimitsWinOverTheServiceLevelKeysInEitherOrder() throws {
        let fixture = try ComposeFixture()
        defer { fixture.directory.remove() }
        let yaml = """
            services:
              first:
                cpus: 2
                mem_limit: 2g
                deploy: {resources: {limits: {cpus: "0.5", memory: 512M}}}
              last:
                deploy: {resources: {limits: {cpus: "0.5", memory: 512M}}}
                cpus: 2
                mem_limit: 2g
            """
        try yaml.write(toFile: fixture.path + "/limits.yaml", atomically: true, encoding: .utf8)
        let project = try fixture.load(["limits.yaml"])
        for name in ["first", "last"] {
            let service = try #require(project.service(name))
            #expect(service.cpus?.value == 0.5)
            #expect(service.memoryLimit?.value == .init(bytes: 536_870_912, key: "deploy.resources.limits.memory"))
        }
    }
}
