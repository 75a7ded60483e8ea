import BlackboxStore
import DockerEngine
import Foundation
import Testing

/// `import` redacts the rows of blackbox's own export format as the recorder redacts what it writes (issue 13, item 2),
/// counts what it redacted in a log tail, and leaves an already-redacted export as it is.
@Suite struct RedactionImportTests {
    /// The export-format lines of the secrets corpus and all their secrets.
    private func exportLines() throws -> (lines: [String], secrets: [String]) {
        let cases = try RedactionCorpusTests.corpus("secrets.jsonl").filter { $0.where == "export" }
        return (cases.compactMap(\.input), cases.flatMap { $0.secrets ?? [] })
    }

    @Test func anImportedExportStoresNoSecretAndReimportsAsItIs() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (lines, secrets) = try exportLines()
        #expect(lines.count >= 5)
        let file = directory.url.appending(path: "leaky.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let store = try EventStore(path: directory.storePath)
        let (counts, rejected) = try StoreImporter(store: store).importFile(file)
        #expect(rejected.isEmpty, "\(rejected)")
        #expect(counts.events == lines.count)
        let events = try store.events(EventFilter())
        for event in events {
            for secret in secrets {
                #expect(!event.payload.contains(secret) && event.action?.contains(secret) != true, "\(secret) stored in a \(event.kind.rawValue) row")
            }
        }
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: directory.storePath + suffix))) ?? Data()
            for secret in secrets {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is in blackbox.sqlite\(suffix)")
            }
        }
        let tail = try #require(events.first { $0.kind == .logTail })
        let document = try JSONDecoder().decode(EventRecord.LogTail.self, from: Data(tail.payload.utf8))
        #expect(document.redacted == [1, 0])
        #expect(document.redactedValueCount == 1)
        #expect(document.lines[1].text == "open auth_server.yml: no such file or directory")
        let exec = try #require(events.first { $0.kind == .engine })
        #expect(exec.action == "exec_start: mysql --password <redacted:8-15>")

        // Export the redacted rows and import them into a second store: idempotent, markers and counts as they were.
        let again = directory.url.appending(path: "again.jsonl").path
        var exported: [String] = []
        try store.export(ExportFilter()) { exported.append($0) }
        try (exported.joined(separator: "\n") + "\n").write(toFile: again, atomically: true, encoding: .utf8)
        let second = try EventStore(path: directory.url.appending(path: "second.sqlite").path)
        let (_, rejectedAgain) = try StoreImporter(store: second).importFile(again)
        #expect(rejectedAgain.isEmpty, "\(rejectedAgain)")
        let reimported = try second.events(EventFilter())
        #expect(reimported.map(\.payload) == events.map(\.payload))
        #expect(reimported.map(\.action) == events.map(\.action))
        #expect(reimported.map(\.deduplicationKey) == events.map(\.deduplicationKey))
    }

    @Test func theRecordersRowsAreAFixedPointOfImportRedaction() throws {
        let redactor = CredentialRedactor()
        for line in try Fixtures.eventLines() {
            let record = EventRecord.engine(try EngineEvent.decode(line: line))
            #expect(redactor.redact(record) == record)
        }
        for name in FixtureSession.containers {
            let inspect = try ContainerInspect.decode(Fixtures.data("inspect-\(name).json"))
            let json = try #require(redactor.redactInspect(try Fixtures.data("inspect-\(name).json")))
            let record = EventRecord.inspect(inspect, redactedJSON: json, timeNanos: 1, trigger: nil)
            #expect(redactor.redact(record) == record, "\(name)")
        }
        let tail = EventRecord.logTail(
            containerID: "c", containerName: "c", lines: redactor.redact(logLines: [LogLine(stream: .stdout, timeNanos: 1, text: "token=abc")]).lines,
            failure: nil, timeNanos: 1, trigger: nil, redacted: [1])
        #expect(redactor.redact(tail) == tail)
    }

    @Test func aLogTailStoresItsCountsAndOlderTailsDecodeWithout() throws {
        let redactor = CredentialRedactor()
        let (lines, counts) = redactor.redact(logLines: [
            LogLine(stream: .stdout, timeNanos: 1, text: "ready"), LogLine(stream: .stderr, timeNanos: 2, text: "login password=hunter2 token=abc"),
        ])
        let record = EventRecord.logTail(containerID: "c", containerName: "c", lines: lines, failure: nil, timeNanos: 1, trigger: nil, redacted: counts)
        #expect(record.payload.contains(#""redacted":[0,2]"#))
        let tail = try JSONDecoder().decode(EventRecord.LogTail.self, from: Data(record.payload.utf8))
        #expect(tail.redactedValues(line: 1) == 2 && tail.redactedValues(line: 0) == 0 && tail.redactedValues(line: 9) == 0)
        let clean = EventRecord.logTail(containerID: "c", containerName: "c", lines: [lines[0]], failure: nil, timeNanos: 1, trigger: nil, redacted: [0])
        #expect(!clean.payload.contains("redacted"))
        let older = try JSONDecoder().decode(EventRecord.LogTail.self, from: Data(#"{"captured":true,"lines":[{"stream":"stdout","text":"x"}]}"#.utf8))
        #expect(older.redacted == nil && older.redactedValueCount == 0)
    }
}
