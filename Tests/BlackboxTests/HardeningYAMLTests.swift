import Compose
import Foundation
import Playbooks
import Testing

/// A duplicated YAML key is reported at its own line (issue 13, item 7: it was line 0), in playbooks and compose files.
@Suite struct HardeningYAMLTests {
    @Test(arguments: [
        ("id: a\ntitle: x\nid: b\n", 3),
        ("id: a\nmatch:\n  exit_code: 1\n  # a comment\n  exit_code: 2\ntitle: x\n", 5),
        ("id: a\nevidence:\n  - name: x\n    name: y\n", 4),
        ("id: a\nmatch: {exit_code: 1, exit_code: 2}\n", 2),
    ])
    func aDuplicateKeyIsReportedAtItsLine(yaml: String, line: Int) {
        let (playbook, diagnostics) = PlaybookParser.parse(yaml: yaml, file: "dup.yaml")
        #expect(playbook == nil)
        let diagnostic = diagnostics.first { $0.message.contains("duplicate key") }
        #expect(diagnostic?.line == line, "\(diagnostics)")
        #expect(diagnostic?.description.hasPrefix("dup.yaml:\(line): ") == true, "\(diagnostics)")
    }

    @Test func aComposeFileDuplicateKeyIsAFindingAtItsLine() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "services:\n  web:\n    image: nginx\n    image: httpd\n".write(toFile: directory.url.appending(path: "compose.yaml").path, atomically: true, encoding: .utf8)
        let project = try ComposeLoader.load(files: [], environment: [:], workingDirectory: directory.url.path)
        #expect(project.problems.map(\.location.line) == [4], "\(project.problems)")
    }
}
