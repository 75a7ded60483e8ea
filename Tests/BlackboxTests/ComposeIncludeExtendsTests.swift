@testable import Compose
import Foundation
import Testing

/// `include` and `extends` followed as compose follows them, their loops and missing files reported with file:line,
/// and what compose refuses to interpolate. Files are read from memory (a project directory that does not exist on
/// disk, so no `.env` is found), except where `env_file` needs a real file.
@Suite struct ComposeIncludeExtendsTests {
    static let root = "/nonexistent-blackbox-compose-tests/app"

    /// Loads `compose.yaml` of `files` (paths relative to ``root``) as `blackbox check` run in ``root`` would.
    private func load(_ files: [String: String], named: [String] = ["compose.yaml"], environment: [String: String] = [:]) throws -> ComposeProject {
        let texts = Dictionary(uniqueKeysWithValues: files.map { (ComposeFileParser.resolve($0.key, against: Self.root), $0.value) })
        return try ComposeLoader.load(files: named, environment: environment, workingDirectory: Self.root) { path, _ in texts[path] }
    }

    // MARK: - include

    @Test func includedServicesResolveTheirPathsAgainstTheirOwnDirectory() throws {
        let project = try load([
            "compose.yaml": """
                include:
                  - db/compose.yaml
                services:
                  api:
                    image: api
                    depends_on: [db]
                """,
            "db/compose.yaml": """
                services:
                  db:
                    image: postgres:${PG_VERSION:-16}
                    volumes:
                      - ./data:/var/lib/postgresql/data
                """,
        ])
        #expect(project.problems.isEmpty)
        #expect(project.services.map(\.name) == ["api", "db"])
        let db = try #require(project.service("db"))
        #expect(db.image?.value == "postgres:16")
        #expect(db.volumes.first?.source == Self.root + "/db/data")
        #expect(db.location == ComposeLocation(file: "db/compose.yaml", line: 2))
        #expect(project.files == ["compose.yaml", "db/compose.yaml"])
    }

    @Test func longSyntaxMergesItsPathsInOrderUnderItsProjectDirectory() throws {
        let project = try load([
            "compose.yaml": """
                include:
                  - path: [shared/base.yaml, shared/override.yaml]
                    project_directory: shared/runtime
                services: {}
                """,
            "shared/base.yaml": """
                services:
                  cache:
                    image: redis
                    mem_limit: 64m
                    volumes: ["./cache:/data"]
                """,
            "shared/override.yaml": """
                services:
                  cache:
                    mem_limit: 128m
                """,
        ])
        #expect(project.problems.isEmpty)
        let cache = try #require(project.service("cache"))
        #expect(cache.image?.value == "redis")
        #expect(cache.memoryLimit?.value.bytes == 128 << 20)
        #expect(cache.memoryLimit?.location == ComposeLocation(file: "shared/override.yaml", line: 3))
        #expect(cache.volumes.first?.source == Self.root + "/shared/runtime/cache")
    }

    @Test func anIncludedProjectTakesItsEnvFileUnderTheIncludingEnvironment() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.url.path
        try FileManager.default.createDirectory(atPath: path + "/sub", withIntermediateDirectories: true)
        try "include:\n  - path: sub/compose.yaml\n    env_file: sub/versions.env\nservices: {}\n".write(
            toFile: path + "/compose.yaml", atomically: true, encoding: .utf8)
        try "services:\n  web:\n    image: web:${TAG}\n    user: ${WEB_USER}\n".write(toFile: path + "/sub/compose.yaml", atomically: true, encoding: .utf8)
        try "TAG=1.4\nWEB_USER=1000\n".write(toFile: path + "/sub/versions.env", atomically: true, encoding: .utf8)
        let project = try ComposeLoader.load(files: ["compose.yaml"], environment: ["WEB_USER": "2000"], workingDirectory: path)
        #expect(project.problems.isEmpty)
        #expect(project.service("web")?.image?.value == "web:1.4")
        #expect(project.service("web")?.user?.value == "2000")

        try "include:\n  - path: sub/compose.yaml\n    env_file: sub/missing.env\nservices: {}\n".write(
            toFile: path + "/compose.yaml", atomically: true, encoding: .utf8)
        let missing = try ComposeLoader.load(files: ["compose.yaml"], environment: [:], workingDirectory: path)
        #expect(missing.problems.map(\.description) == [
            "compose.yaml:3: error: env_file sub/missing.env of this include does not exist (\(path)/sub/missing.env)"
        ])
        #expect(missing.unsetVariables.map(\.name) == ["TAG", "WEB_USER"])
    }

    @Test func anIncludeCycleIsReportedAtTheIncludeThatClosesIt() throws {
        let project = try load([
            "compose.yaml": "include:\n  - b.yaml\nservices:\n  a: {image: a}\n",
            "b.yaml": "services:\n  b: {image: b}\ninclude:\n  - compose.yaml\n",
        ])
        #expect(project.problems.map(\.description) == ["b.yaml:4: error: include cycle detected: compose.yaml includes b.yaml includes compose.yaml"])
        #expect(project.services.map(\.name) == ["a", "b"])

        let itself = try load(["compose.yaml": "include: [./compose.yaml]\nservices: {}\n"])
        #expect(itself.problems.map(\.description) == ["compose.yaml:1: error: include cycle detected: compose.yaml includes compose.yaml"])
    }

    @Test func aMissingIncludedFileIsReportedWithItsLine() throws {
        let project = try load(["compose.yaml": "services:\n  a: {image: a}\ninclude:\n  - path:\n      - there.yaml\n      - gone.yaml\n", "there.yaml": "services: {b: {image: b}}\n"])
        #expect(project.problems.map(\.description) == [
            "compose.yaml:6: error: included file gone.yaml does not exist (\(Self.root)/gone.yaml)"
        ])
        #expect(project.services.map(\.name) == ["a", "b"])
        #expect(try load(["compose.yaml": "include: nope\n"]).problems.map(\.description) == [
            "compose.yaml:1: error: `include` must be a list of files, or of mappings with `path:`"
        ])
    }

    @Test func includeDepthAndTheNumberOfFilesAreBounded() throws {
        var chain = ["compose.yaml": "include: [f1.yaml]\nservices: {}\n"]
        for level in 1...40 { chain["f\(level).yaml"] = "include: [f\(level + 1).yaml]\nservices:\n  s\(level): {image: x}\n" }
        let deep = try load(chain)
        #expect(deep.problems.map(\.message) == ["include nested deeper than 16 files: f17.yaml is not read"])
        #expect(deep.problems.first?.location == ComposeLocation(file: "f16.yaml", line: 1))
        #expect(deep.services.count == 16)

        var wide = ["compose.yaml": "include:\n" + (1...100).map { "  - w\($0).yaml\n" }.joined() + "services: {}\n"]
        for index in 1...100 { wide["w\(index).yaml"] = "services:\n  w\(index): {image: x}\n" }
        let project = try load(wide)
        #expect(project.services.count == ComposeReading.maximumOtherFiles)
        #expect(project.problems.map(\.description) == [
            "compose.yaml:66: error: more than 64 files read through include and extends; w65.yaml and the files included after it are not read"
        ])
    }

    @Test func anImportedServiceThatTakesALocalNameConflictsButADiamondDoesNot() throws {
        let project = try load([
            "compose.yaml": "include:\n  - left.yaml\n  - right.yaml\n  - clash.yaml\nservices:\n  api: {image: api}\n",
            "left.yaml": "include: [common.yaml]\nservices: {}\n",
            "right.yaml": "include: [common.yaml]\nservices: {}\n",
            "common.yaml": "services:\n  db: {image: postgres}\n",
            "clash.yaml": "services:\n  api: {image: other}\n",
        ])
        #expect(project.services.map(\.name) == ["api", "db"])
        #expect(project.service("api")?.image?.value == "api")
        #expect(project.problems.map(\.description) == [
            "compose.yaml:4: error: services.api conflicts with imported resource: clash.yaml defines a service of the same name"
        ])
    }

    // MARK: - extends

    @Test func aServiceInheritsItsBaseMergedAsComposeMerges() throws {
        let project = try load([
            "compose.yaml": """
                services:
                  base:
                    image: app:1
                    mem_limit: 256m
                    environment: {MODE: base, LOG: info}
                    ports: ["8080:80"]
                  worker:
                    extends: base
                    environment: {MODE: worker}
                    ports: ["9090:90"]
                """
        ])
        #expect(project.problems.isEmpty)
        let worker = try #require(project.service("worker"))
        #expect(worker.location == ComposeLocation(file: "compose.yaml", line: 7))
        #expect(worker.image?.value == "app:1")
        #expect(worker.memoryLimit?.location == ComposeLocation(file: "compose.yaml", line: 4))
        #expect(worker.environment.map { "\($0.name)=\($0.value ?? "")" } == ["MODE=worker", "LOG=info"])
        #expect(worker.ports.map(\.hostPorts) == [8080...8080, 9090...9090])
        #expect(project.services.map(\.name) == ["base", "worker"])
    }

    @Test func aBaseFromAnotherFileKeepsItsPathsAndIsNotPartOfTheProject() throws {
        let project = try load([
            "compose.yaml": "services:\n  web:\n    extends:\n      file: common/services.yaml\n      service: webapp\n    image: web:2\n",
            "common/services.yaml": "services:\n  webapp:\n    extends: {service: root}\n    volumes: [\"./static:/srv\"]\n  root:\n    user: \"1000\"\n",
        ])
        #expect(project.problems.isEmpty)
        #expect(project.services.map(\.name) == ["web"])
        let web = try #require(project.service("web"))
        #expect(web.image?.value == "web:2")
        #expect(web.user?.value == "1000")
        #expect(web.volumes.first?.source == Self.root + "/common/static")
        #expect(web.volumes.first?.location == ComposeLocation(file: "common/services.yaml", line: 4))
        #expect(project.files == ["compose.yaml", "common/services.yaml"])
    }

    @Test func anExtendsCycleIsReportedOnceInOneFileAndAcrossFiles() throws {
        let inFile = try load(["compose.yaml": "services:\n  a:\n    extends: b\n    image: a\n  b:\n    extends: a\n  c:\n    extends: c\n"])
        #expect(inFile.problems.map(\.description) == [
            "compose.yaml:6: error: circular reference: a in compose.yaml extends b in compose.yaml extends a in compose.yaml",
            "compose.yaml:8: error: circular reference: c in compose.yaml extends c in compose.yaml",
        ])
        #expect(inFile.service("a")?.image?.value == "a")
        #expect(inFile.service("b")?.image == nil)

        let across = try load([
            "compose.yaml": "services:\n  web:\n    extends: {file: other.yaml, service: x}\n",
            "other.yaml": "services:\n  x:\n    extends:\n      file: compose.yaml\n      service: web\n",
        ])
        #expect(across.problems.map(\.description) == [
            "other.yaml:3: error: circular reference: web in compose.yaml extends x in other.yaml extends web in compose.yaml"
        ])
    }

    @Test func aMissingBaseServiceOrFileIsReportedAtTheExtends() throws {
        let project = try load([
            "compose.yaml": """
                services:
                  a:
                    extends: nobody
                  b:
                    extends: {file: gone.yaml, service: x}
                  c:
                    extends: {file: other.yaml, service: y}
                  d:
                    extends: {file: other.yaml}
                """,
            "other.yaml": "services:\n  x: {image: x}\n",
        ])
        #expect(project.problems.map(\.description) == [
            "compose.yaml:9: error: extends of d needs the service it extends (extends: {service: NAME})",
            "compose.yaml:3: error: cannot extend service \"a\" in compose.yaml: service \"nobody\" not found",
            "compose.yaml:5: error: cannot extend service \"b\" in compose.yaml: gone.yaml does not exist (\(Self.root)/gone.yaml)",
            "compose.yaml:7: error: cannot extend service \"c\" in compose.yaml: service \"y\" not found in other.yaml",
        ])
        #expect(project.services.map(\.name) == ["a", "b", "c", "d"])
    }

    @Test func extendsDepthIsBounded() throws {
        let services = (0..<40).map { "  s\($0):\n    extends: s\($0 + 1)\n" }.joined() + "  s40: {image: x}\n"
        let project = try load(["compose.yaml": "services:\n" + services])
        #expect(project.problems.map(\.description) == [
            "compose.yaml:65: error: cannot extend service \"s31\" in compose.yaml: extends chain longer than 32 services, not followed"
        ])
        #expect(project.service("s0")?.image == nil)
        #expect(project.service("s32")?.image?.value == "x")
    }
}
