import Compose
import Foundation
import Testing

/// `blackbox check` never shows a secret from `.env` in its findings (issue 13, item 2: `command=…--password …`).
@Suite struct RedactionCheckTests {
    @Test func aCommandInterpolatedFromDotEnvIsShownRedacted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try """
            services:
              db:
                image: mysql
                command: sh -c "mysqld --password ${DB_PASSWORD}; sleep 1"
                environment:
                  SECRET_KEY: ${SECRET_KEY}
            """.write(toFile: directory.url.appending(path: "compose.yaml").path, atomically: true, encoding: .utf8)
        try "DB_PASSWORD=hunter2-from-env\nSECRET_KEY=/data/s3cret-path-value\n".write(
            toFile: directory.url.appending(path: ".env").path, atomically: true, encoding: .utf8)
        let project = try ComposeLoader.load(files: ["compose.yaml"], environment: [:], workingDirectory: directory.url.path)
        let findings = try Checklist(project: project, store: nil, lookups: NoLookups(), onEngineHost: true, now: 0).run()
        let shutdown = try #require(findings.first { $0.check == "shutdown" })
        #expect(shutdown.evidence.first { $0.name == "command" }?.value == .list(["sh", "-c", "mysqld --password <redacted:16-31>; sleep 1"]))
        for finding in findings {
            let text = "\(finding.message) \(finding.evidence) \(finding.fix ?? "")"
            #expect(!text.contains("hunter2-from-env") && !text.contains("s3cret-path-value"), "\(finding.check): \(text)")
        }
    }
}
