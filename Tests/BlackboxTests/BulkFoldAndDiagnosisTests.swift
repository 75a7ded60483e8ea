import BlackboxStore
import DockerEngine
import Foundation
import Playbooks
import Testing

/// The bulk paths of import and replay give the rows the one-at-a-time paths give: folding a batch in one
/// transaction (projections kept in memory) against one event per transaction, and diagnosing many incidents at
/// once (contexts read per run of incidents) against one incident at a time.
@Suite struct BulkFoldAndDiagnosisTests {
    private static let second: Int64 = 1_000_000_000
    private static let seed: UInt64 = 0x1A2B_2026_1129

    /// Seeded lifecycles of four containers over about two days: restart loops, OOM kills, stops that time out,
    /// removals and re-creations, health checks; gaps both shorter and much longer than an incident's window.
    static func history() -> (events: [EventRecord], samples: [ResourceSample]) {
        var random = SeededGenerator(seed: seed)
        var events: [EventRecord] = []
        var samples: [ResourceSample] = []
        var time: Int64 = 1_790_000_000 * second
        func event(_ container: Int, _ action: String, exitCode: Int? = nil, signal: String? = nil) {
            time += Int64.random(in: 1...20, using: &random) * second
            var attributes = ["name": "svc-\(container)", "image": "busybox"]
            if let exitCode { attributes["exitCode"] = String(exitCode) }
            if let signal { attributes["signal"] = signal }
            let payload = String(decoding: try! JSONEncoder().encode(["Type": "container", "Action": action]), as: UTF8.self)
            events.append(
                EventRecord(
                    timeNanos: time, kind: .engine, type: "container", action: action, actorID: "c\(container)", containerID: "c\(container)",
                    containerName: "svc-\(container)", image: "busybox", composeProject: "stack", composeService: "svc-\(container)",
                    exitCode: exitCode, signal: signal, deduplicationKey: "k\(events.count)", payload: payload))
            samples.append(
                ResourceSample(
                    containerID: "c\(container)", timeNanos: time, cpuPercent: Double(events.count % 50), cpuPercentOfLimit: nil,
                    cpuThrottledPeriods: 0, memoryUsageBytes: Int64(events.count) * 4096, memoryWorkingSetBytes: Int64(events.count) * 4000,
                    memoryLimitBytes: 1 << 30, pids: 3, networkRxBytes: 0, networkTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0))
        }
        for _ in 0..<2400 {
            let container = Int.random(in: 0..<4, using: &random)
            switch Int.random(in: 0..<12, using: &random) {
            case 0: event(container, "create")
            case 1, 2, 3: event(container, "start")
            case 4: event(container, "die", exitCode: [0, 1, 2, 137].randomElement(using: &random))
            case 5:
                event(container, "oom")
                event(container, "die", exitCode: 137)
            case 6:
                event(container, "kill", signal: "15")
                event(container, "kill", signal: "9")
                event(container, "die", exitCode: 137)
            case 7: event(container, ["health_status: healthy", "health_status: unhealthy"].randomElement(using: &random)!)
            case 8: event(container, "destroy")
            default: time += Int64.random(in: 0...900, using: &random) * second
            }
        }
        return (events, samples)
    }

    private static func rows(_ store: EventStore) throws -> ([ContainerState], [IncidentState]) {
        (try store.containers(), try store.incidents())
    }

    @Test func foldingABatchInOneTransactionGivesTheRowsOfOneEventAtATime() throws {
        let (events, _) = Self.history()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let single = try EventStore(path: directory.url.appending(path: "single.sqlite").path)
        for event in events { try single.append(event) }
        let batched = try EventStore(path: directory.url.appending(path: "batched.sqlite").path)
        try batched.append(contentsOf: Array(events[..<300]))
        try batched.append(contentsOf: Array(events[300...]))
        let expected = try Self.rows(single)
        #expect(expected.1.count > 20, "the history opens incidents")
        #expect(expected.1.contains { $0.resolution == "removed" } && expected.1.contains { $0.resolution == "ran_stable" })
        let found = try Self.rows(batched)
        #expect(found.0 == expected.0)
        #expect(found.1 == expected.1)
        try batched.rebuildProjections()
        let rebuilt = try Self.rows(batched)
        #expect(rebuilt.0 == expected.0)
        #expect(rebuilt.1 == expected.1)
    }

    @Test func bulkContextsHoldEachIncidentsOwnWindow() throws {
        let (events, samples) = Self.history()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        try store.append(contentsOf: events)
        try store.append(samples: samples)
        let incidents = try store.incidents()
        #expect(Dictionary(grouping: incidents, by: \.containerID).values.contains { $0.count > 8 }, "a container has more incidents than a small read holds")
        for incidentsPerRead in [64, 8, 1] {
            var visited: [Int64] = []
            try IncidentContext.load(incidents, from: store, lookups: NoLookups(), incidentsPerRead: incidentsPerRead) { context in
                let incident = context.incident
                visited.append(incident.id ?? 0)
                let minute: Int64 = 60 * Self.second
                let ownEvents = try store.events(
                    EventFilter(containerIDs: [incident.containerID], since: incident.openedNanos - 10 * minute, until: incident.lastNanos + minute))
                let ownSamples = try store.samples(
                    containerIDs: [incident.containerID], since: incident.openedNanos - 30 * minute, until: incident.lastNanos + 5 * Self.second)
                #expect(context.events.map(\.seq) == ownEvents.map(\.seq), "incident \(incident.id ?? 0), \(incidentsPerRead) a read")
                #expect(context.samples == ownSamples, "incident \(incident.id ?? 0), \(incidentsPerRead) a read")
            }
            #expect(visited.sorted() == incidents.compactMap(\.id).sorted())
        }
    }

    @Test func bulkDiagnosisStoresWhatDiagnosingEachIncidentAloneStores() throws {
        let (events, samples) = Self.history()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var stored: [[PlaybookMatchRecord]] = []
        for name in ["alone", "bulk"] {
            let store = try EventStore(path: directory.url.appending(path: "\(name).sqlite").path)
            try FixtureSession.record(into: store)
            try store.append(contentsOf: events)
            try store.append(samples: samples)
            let diagnoser = IncidentDiagnoser(store: store, playbooks: PlaybookLibrary.builtIn.playbooks, lookups: NoLookups())
            if name == "alone" {
                for incident in try store.incidents() { try diagnoser.diagnose(incident) }
            } else {
                #expect(try diagnoser.diagnose(touchedSince: 0) == store.incidents().count)
            }
            stored.append(try store.incidents().flatMap { try store.matches(incidentID: $0.id ?? 0) })
        }
        #expect(Set(stored[0].map(\.playbookID)).count > 3, "several playbooks match")
        #expect(stored[1] == stored[0])
    }

    /// The reason a line was rejected with; nil when it was decoded.
    private static func rejection(_ decode: () throws -> ImportLine) -> String? {
        do {
            _ = try decode()
            return nil
        } catch let rejected as ImportLine.Rejected {
            return rejected.reason
        } catch {
            return "\(error)"
        }
    }

    @Test func integerFieldsAreReadAsInt64ReadsThem() throws {
        let line = #"{"sample":{"container_id":"c1","ts_ns":1,"cpu_throttled_periods":0,"mem_usage_bytes":0,"mem_working_set_bytes":0,"mem_limit_bytes":0,"net_rx_bytes":0,"net_tx_bytes":0,"blk_read_bytes":0,"blk_write_bytes":0,"pids":PIDS}}"#
        for text in ["0", "-0", "7", "007", "-12", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
            "99999999999999999999", "1.0", "1e3", "1-2", "-", "--1", "2+"]
        {
            let decoded = try? ImportLine.decode(ArraySlice(line.replacingOccurrences(of: "PIDS", with: text).utf8), redactor: CredentialRedactor())
            if let expected = Int64(text) {
                guard case .sample(let sample)? = decoded else {
                    Issue.record("\(text) was rejected")
                    continue
                }
                #expect(sample.pids == expected, "\(text)")
            } else {
                #expect(
                    Self.rejection { try ImportLine.decode(ArraySlice(line.replacingOccurrences(of: "PIDS", with: text).utf8), redactor: CredentialRedactor()) }
                        == "sample field pids must be an integer", "\(text)")
            }
        }
    }

    @Test func stringsAreReadAsUTF8AndInvalidBytesAreRejected() throws {
        func decode(_ id: [UInt8]) throws -> ImportLine {
            let line = Array(#"{"sample":{"container_id":""#.utf8) + id
                + Array(#"","ts_ns":1,"cpu_throttled_periods":0,"mem_usage_bytes":0,"mem_working_set_bytes":0,"mem_limit_bytes":0,"pids":0,"net_rx_bytes":0,"net_tx_bytes":0,"blk_read_bytes":0,"blk_write_bytes":0}}"#.utf8)
            return try ImportLine.decode(line[...], redactor: CredentialRedactor())
        }
        for (raw, expected) in [("plain-ascii-id", "plain-ascii-id"), (#"caf\u00e9"#, "café"), ("café 😀", "café 😀"), (#"a\\b\"c"#, #"a\b"c"#)] {
            guard case .sample(let sample) = try decode(Array(raw.utf8)) else {
                Issue.record("\(raw) is not a sample")
                continue
            }
            #expect(sample.containerID == expected)
        }
        #expect(Self.rejection { try decode([0x61, 0xFF, 0x62]) } == "sample is not a JSON object: a string is not valid UTF-8")
        #expect(Self.rejection { try decode([0xC3]) } == "sample is not a JSON object: a string is not valid UTF-8")
        #expect(Self.rejection { try decode([0x61, 0x01]) } == "sample is not a JSON object: a control character inside a string")
    }
}
