import Foundation
import Testing

/// `blackbox check` run as a user would, on the fixture project without a store: what it prints and its exit status.
@Suite struct CheckCommandTests {
    @Test func printsFindingsLikeACompilerAndExitsOneOnErrors() throws {
        let fixture = try ComposeFixture()
        defer { fixture.directory.remove() }
        let base = fixture.path + "/compose.yaml"
        let result = try BlackboxBinary.run(
            ["check", "-f", base, "-f", fixture.path + "/compose.prod.yaml", "--db", fixture.directory.storePath],
            environment: ["DOCKER_HOST": "tcp://engine.example:2375"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("blackbox check: project shop (\(base), \(fixture.path)/compose.prod.yaml), no store at \(fixture.directory.storePath): no history\n"))
        #expect(result.stdout.contains("\(base):26: error: ${API_URL} is used without a default and is not set\n    evidence: variable=API_URL\n    fix: set API_URL"))
        #expect(result.stdout.contains("\(base): info: start order: db, api, importer (stop order: the reverse)"))
        // The engine is not on this host: bind-mount sources are not judged, only noted.
        #expect(result.stdout.contains("\(base):37: info: importer's bind-mount sources were not checked: the engine is not on this host"))
        #expect(result.stdout.hasSuffix("3 errors, 5 warnings, 5 notes\n"))
    }

    @Test func jsonHasTheDocumentedShape() throws {
        let fixture = try ComposeFixture()
        defer { fixture.directory.remove() }
        let result = try BlackboxBinary.run(
            ["check", "-f", fixture.path + "/compose.yaml", "--json", "--db", fixture.directory.storePath], environment: ["API_URL": "http://db"])
        let findings = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let credential = try #require(findings.first { $0["check"] as? String == "credential" })
        #expect(credential["severity"] as? String == "warning")
        #expect(credential["service"] as? String == "db")
        #expect(credential["file"] as? String == fixture.path + "/compose.yaml")
        #expect(credential["line"] as? Int == 12)
        #expect((credential["evidence"] as? [String: Any])?["variable"] as? String == "DB_PASSWORD")
        #expect(credential["fix"] is String)
        #expect(!result.stdout.contains("hunter2"))
        #expect(result.status == 1)
    }

    @Test func aMissingFileIsAnErrorThatNamesIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try BlackboxBinary.run(["check", "-f", directory.url.path + "/nope.yaml", "--db", directory.storePath])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(directory.url.path)/nope.yaml does not exist"))
    }
}
