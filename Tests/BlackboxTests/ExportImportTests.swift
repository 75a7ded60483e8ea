import BlackboxCore
import BlackboxStore
import DockerEngine
import Foundation
import Testing

/// `blackbox export` / `blackbox import`: the version 1 format round trip, idempotence, bad lines, `docker events` lines.
@Suite struct ExportImportTests {
    /// The fixture session plus samples decoded from the captured stats payloads.
    private func sourceStore(_ directory: TemporaryDirectory) throws -> EventStore {
        let store = try EventStore(path: directory.url.appending(path: "source.sqlite").path)
        try FixtureSession.record(into: store)
        let limited = try #require(try store.containerIDs(matching: "fx-limited").first)
        let reading = try StatsReading.decode(Fixtures.data("stats-stream-false.json"))
        var samples: [ResourceSample] = []
        for index in 0..<5 {
            var sample = ResourceSample(containerID: limited, current: reading, previous: nil, cpuLimit: 0.5)
            sample.timeNanos += Int64(index) * 2_000_000_000
            sample.memoryWorkingSetBytes += Int64(index) * 1_048_576
            if index > 0 { sample.cpuPercent = 12.5 * Double(index) }
            samples.append(sample)
        }
        try store.append(samples: samples)
        return store
    }

    private func exportFile(_ store: EventStore, filter: ExportFilter = ExportFilter(), to path: String) throws {
        var lines = [ExportFormat.header(exportedAtNanos: 1)]
        try store.export(filter) { lines.append($0) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    private func allSamples(_ store: EventStore) throws -> [ResourceSample] {
        try store.samples(containerIDs: try store.containers().map(\.containerID))
    }

    @Test func aRoundTripGivesTheSameEventsSamplesAndProjections() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try sourceStore(directory)
        let file = directory.url.appending(path: "window.jsonl").path
        try exportFile(source, to: file)
        let target = try EventStore(path: directory.storePath)
        let (counts, rejected) = try StoreImporter(store: target).importFile(file)
        #expect(rejected.isEmpty, "\(rejected)")
        let original = try source.events(EventFilter())
        #expect(counts.events == original.count)
        #expect(counts.samples == 5)

        let imported = try target.events(EventFilter())
        #expect(imported.count == original.count)
        for (before, after) in zip(original, imported) {
            var expected = before
            if before.deduplicationKey == nil {
                #expect(after.deduplicationKey?.hasPrefix("import|\(before.kind.rawValue)|") == true)
                expected.deduplicationKey = after.deduplicationKey
            }
            #expect(after == expected)
        }
        #expect(try allSamples(target) == allSamples(source))
        #expect(try target.containers() == source.containers())
        #expect(try target.incidents() == source.incidents())
    }

    @Test func importingTwiceStoresOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try sourceStore(directory)
        let file = directory.url.appending(path: "window.jsonl").path
        try exportFile(source, to: file)
        let target = try EventStore(path: directory.storePath)
        let importer = StoreImporter(store: target, batchSize: 7)
        let first = try importer.importFile(file).counts
        let again = try importer.importFile(file).counts
        #expect(again.events == 0 && again.samples == 0)
        #expect(again.duplicateEvents == first.events)
        #expect(again.duplicateSamples == first.samples)
        #expect(try target.counts() == source.counts())
        #expect(try target.incidents() == source.incidents())
    }

    /// `blackbox export`'s header says what the export was limited to, as the user gave it.
    @Test func theHeaderSaysWhatTheExportWasLimitedTo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try sourceStore(directory)
        try source.append(
            EventRecord(
                timeNanos: 2_000_000_000_000_000_000, kind: .engine, type: "container", action: "create", actorID: "s1", containerID: "s1",
                containerName: "shop-web-1", composeProject: "shop", composeService: "web", deduplicationKey: "create|s1", payload: "{}"))
        let export = try BlackboxBinary.run([
            "export", "--db", source.path, "--container", "fx-oom", "--project", "shop", "--since", "2000-01-01T00:00:00Z", "--until", "2040-01-01T00:00:00Z",
        ])
        #expect(export.status == 0, "\(export.stderr)")
        let header = try #require(JSONValue.parse(String(export.stdout.prefix { $0 != "\n" })))
        #expect(header[path: "blackbox_export"] == .integer(1))
        #expect(
            header[path: "filter"]
                == .object([
                    "containers": .array([.string("fx-oom")]), "project": .string("shop"), "since_ns": .integer(946_684_800_000_000_000),
                    "until_ns": .integer(2_208_988_800_000_000_000),
                ]))
        #expect(export.stdout.contains("\"container_id\":\"s1\""))
    }

    @Test func exportsOnlyTheNamedContainersWithTheRecordersOwnRows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try sourceStore(directory)
        try source.append(.recorder(.recorderStart, address: "unix:///x.sock", timeNanos: 5))
        let oom = try source.containerIDs(matching: "fx-oom")
        var lines: [String] = []
        let (events, samples) = try source.export(ExportFilter(containerIDs: oom)) { lines.append($0) }
        #expect(samples == 0)
        #expect(events == lines.count)
        let decoded = lines.compactMap { line -> EventRecord? in
            guard case .event(let event) = try? ImportLine.decode(ArraySlice(line.utf8), redactor: CredentialRedactor()) else { return nil }
            return event
        }
        #expect(decoded.count == events)
        #expect(decoded.contains { $0.kind == .recorderStart })
        #expect(decoded.filter { $0.containerID != nil }.allSatisfy { oom.contains($0.containerID ?? "") })
        #expect(decoded.contains { $0.action == "oom" })
    }

    @Test func badLinesAreReportedWithFileAndLineAndTheRestIsImported() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.url.appending(path: "mixed.jsonl").path
        let good = #"{"event":{"ts_ns":1000,"kind":"engine","type":"container","action":"start","actor_id":"c1","container_id":"c1","container_name":"web","payload":{"Type":"container"}}}"#
        let sample = #"{"sample":{"container_id":"c1","ts_ns":2000,"cpu_pct":null,"cpu_throttled_periods":0,"mem_usage_bytes":10,"mem_working_set_bytes":8,"mem_limit_bytes":100,"pids":1,"net_rx_bytes":0,"net_tx_bytes":0,"blk_read_bytes":0,"blk_write_bytes":0}}"#
        let lines = [
            #"{"blackbox_export":1,"exported_at_ns":1,"filter":{}}"#,
            good,
            "not json at all",
            #"{"event":{"ts_ns":1001,"payload":{}}}"#,
            "",
            #"{"event":{"ts_ns":1002,"kind":"teleport","payload":{}}}"#,
            #"{"sample":{"container_id":"c1","ts_ns":3000}}"#,
            #"{"event":{"ts_ns":"soon","kind":"engine","payload":{}}}"#,
            #"{"event":{"ts_ns":1003,"kind":"inspect","container_id":"c1","payload":{"State":}}}"#,
            #"{"something":"else"}"#,
            sample,
        ]
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let store = try EventStore(path: directory.storePath)
        let (counts, rejected) = try StoreImporter(store: store).importFile(file)
        #expect(rejected.map(\.line) == [3, 4, 6, 7, 8, 9, 10])
        #expect(rejected.allSatisfy { $0.file == file })
        #expect(rejected.first?.description.hasPrefix("\(file):3: not JSON") == true)
        #expect(rejected[1].reason == "event has no kind")
        #expect(rejected[2].reason == "event has an unknown kind 'teleport'")
        #expect(rejected[3].reason == "sample has no cpu_throttled_periods")
        #expect(rejected[4].reason == "event field ts_ns must be an integer")
        #expect(rejected[5].reason.hasPrefix("the store refused it"))
        #expect(rejected[6].reason.hasPrefix("neither a blackbox export line"))
        #expect(counts.events == 1 && counts.samples == 1)
        #expect(try store.container("c1")?.status == "running")
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func aPayloadWithLineBreaksIsExportedOnOneLine() throws {
        let event = EventRecord(timeNanos: 5, kind: .inspect, containerID: "c1", payload: "{\n  \"Name\": \"/web\",\r\n  \"Note\": \"a\\nb\"\n}")
        let line = ExportFormat.line(event)
        #expect(!line.contains("\n") && !line.contains("\r"))
        guard case .event(let decoded) = try ImportLine.decode(ArraySlice(line.utf8), redactor: CredentialRedactor()) else {
            Issue.record("not an event line: \(line)")
            return
        }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(decoded.payload.utf8)) as? [String: String])
        #expect(object == ["Name": "/web", "Note": "a\nb"])
    }

    @Test func memberNamesWithEscapesReadAsTheirText() throws {
        let plain = #"{"event":{"ts_ns":7,"kind":"engine","type":"container","action":"die","container_id":"c1","exit_code":137,"payload":{}}}"#
        let escaped = #"{"\u0065vent":{"ts_ns":7,"kind":"engine","typ\u0065":"container","action":"die","container_id":"c1","exit\u005fcode":137,"payload":{},"n\u00e4me":"x"}}"#
        let redactor = CredentialRedactor()
        let expected = try ImportLine.decode(ArraySlice(plain.utf8), redactor: redactor)
        #expect(try ImportLine.decode(ArraySlice(escaped.utf8), redactor: redactor) == expected)
        guard case .event(let event) = expected else {
            Issue.record("not an event line: \(plain)")
            return
        }
        #expect(event.type == "container" && event.exitCode == 137 && event.containerID == "c1")
        let rejected = #expect(throws: ImportLine.Rejected.self) {
            try ImportLine.decode(ArraySlice(#"{"typé" 1}"#.utf8), redactor: redactor)
        }
        #expect(rejected?.reason == "not JSON: expected ':' after \"typé\"")
    }

    @Test func unclosedObjectsAndStringsAreRejectedWithTheirReason() {
        let lines = [
            #"{"event":{"ts_ns":1,"payload":{"a":[1,2}}"#: "not JSON: an object or array is not closed",
            #"{"event":{"ts_ns":1,"payload":{"a":"b}}}}"#: "not JSON: a string is not closed",
            #"{"event":{"ts_ns":1,"payload":{"a":"b\"#: "not JSON: a string is not closed",
        ]
        for (line, reason) in lines {
            let rejected = #expect(throws: ImportLine.Rejected.self) {
                try ImportLine.decode(ArraySlice(line.utf8), redactor: CredentialRedactor())
            }
            #expect(rejected?.reason == reason, "\(line)")
        }
    }

    @Test func aHeaderOfAnotherVersionStopsTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.url.appending(path: "future.jsonl").path
        try [#"{"blackbox_export":2,"exported_at_ns":1,"filter":{}}"#, #"{"event":{"ts_ns":1,"kind":"engine","payload":{}}}"#]
            .joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let store = try EventStore(path: directory.storePath)
        let (counts, rejected) = try StoreImporter(store: store).importFile(file)
        #expect(counts.events == 0)
        #expect(rejected.map(\.line) == [1])
        #expect(rejected.first?.reason.contains("version 2 is not supported") == true)
    }

    @Test func dockerEventsLinesBecomeEngineRowsWithCredentialsRedacted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = Fixtures.directory.appending(path: "docker-events-cli.jsonl").path
        let store = try EventStore(path: directory.storePath)
        let (counts, rejected) = try StoreImporter(store: store).importFile(file)
        let lineCount = try Fixtures.data("docker-events-cli.jsonl").split(separator: UInt8(ascii: "\n")).count
        #expect(rejected.isEmpty, "\(rejected)")
        #expect(counts.events == lineCount)
        let events = try store.events(EventFilter())
        #expect(events.allSatisfy { $0.kind == .engine && $0.deduplicationKey?.hasPrefix("engine|") == true })
        #expect(events.contains { $0.action == "die" && $0.exitCode != nil && $0.containerName != nil })
        #expect(events.contains { $0.composeProject != nil && $0.composeService != nil })
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: directory.storePath + suffix))) ?? Data()
            for secret in ["s3cr3t", "example-secret"] {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "found \(secret) in blackbox.sqlite\(suffix)")
            }
        }
        #expect(try StoreImporter(store: store).importFile(file).counts.events == 0)
    }

    @Test func theImportCommandNamesRejectedLinesAndExitsOne() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.url.appending(path: "bad.jsonl").path
        try ([try String(contentsOf: Fixtures.directory.appending(path: "docker-events-cli.jsonl"), encoding: .utf8), "{oops}"].joined())
            .write(toFile: file, atomically: true, encoding: .utf8)
        let result = try BlackboxBinary.run(["import", file, "--db", directory.storePath])
        #expect(result.status == 1)
        let lineCount = try Fixtures.data("docker-events-cli.jsonl").split(separator: UInt8(ascii: "\n")).count
        #expect(result.stderr.contains("\(file):\(lineCount + 1): error: not JSON"), "\(result.stderr)")
        #expect(result.stderr.contains("1 line was rejected"))
        #expect(result.stdout.hasPrefix("imported \(lineCount) events and 0 samples"))
    }
}
