import BlackboxStore
import DockerEngine
import Foundation
import Testing

/// `examples/shop.jsonl`, a session recorded from the private engine by `scripts/capture-examples`, imported and
/// explained on a machine with no engine, as the README shows it.
@Suite struct ExampleSessionTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "examples/shop.jsonl").path

    @Test func theExampleImportsAndExplainsItsThreeIncidents() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let imported = try BlackboxBinary.run(["import", Self.example, "--db", directory.storePath], environment: ["DOCKER_HOST": "unix:///nonexistent.sock"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("3 incidents diagnosed"), "\(imported.stdout)")

        let store = try EventStore(path: directory.storePath, readOnly: true)
        let best = try store.bestMatches()
        let diagnoses = Dictionary(
            try store.incidents().map { ($0.containerName ?? "", best[$0.id ?? 0]?.playbookID ?? "none") }, uniquingKeysWith: { $1 })
        #expect(
            diagnoses == ["shop-worker-1": "oom-kill", "shop-api-1": "port-already-allocated", "shop-uploader-1": "bind-mount-permission-denied"])
        #expect(try store.incidents().allSatisfy { $0.composeProject == "shop" })

        let listed = try BlackboxBinary.run(["incidents", "--all", "--db", directory.storePath])
        #expect(listed.status == 0)
        for line in ["shop-worker-1 (shop/worker)", "oom-kill", "shop-api-1 (shop/api)", "port-already-allocated"] {
            #expect(listed.stdout.contains(line), "incidents lacks \(line):\n\(listed.stdout)")
        }
        let shown = try BlackboxBinary.run(["incident", "show", "shop-api-1", "--db", directory.storePath])
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("port is already allocated"))
        #expect(shown.stdout.contains("shop-db-1"), "the holder of the port is named:\n\(shown.stdout)")
        let timeline = try BlackboxBinary.run(["timeline", "--project", "shop", "--db", directory.storePath])
        #expect(timeline.status == 0, "\(timeline.stderr)")
        #expect(timeline.stdout.hasPrefix("TIME"))
        for service in ["db", "worker", "api", "uploader"] {
            #expect(timeline.stdout.contains("   \(service)   "), "timeline lacks the service \(service):\n\(timeline.stdout)")
        }
        #expect(timeline.stdout.contains("memory peak"))
        #expect(timeline.stdout.contains("start failure"))
        let again = try BlackboxBinary.run(["import", Self.example, "--db", directory.storePath])
        #expect(again.stdout.hasPrefix("imported 0 events and 0 samples"))
    }

    /// The docker CLI's `docker events --format '{{json .}}'` lines of the same session become the very rows the
    /// recorder wrote from `GET /events`: same keys, times and parsed columns.
    @Test func dockerEventsOfTheSessionMatchTheRecordersRows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let recorded = try EventStore(path: directory.url.appending(path: "recorded.sqlite").path)
        #expect(try StoreImporter(store: recorded).importFile(Self.example).rejected.isEmpty)
        let fromCLI = try EventStore(path: directory.storePath)
        let file = Fixtures.directory.appending(path: "docker-events-cli.jsonl").path
        #expect(try StoreImporter(store: fromCLI).importFile(file).rejected.isEmpty)

        func columns(_ event: EventRecord) -> [String?] {
            [
                event.deduplicationKey, String(event.timeNanos), event.type, event.action, event.actorID, event.containerID, event.containerName,
                event.image, event.composeProject, event.composeService, event.exitCode.map(String.init), event.signal,
            ]
        }
        let shop = Set(try recorded.containers().filter { $0.composeProject == "shop" }.map(\.containerID))
        let recorderRows = try recorded.events(EventFilter(containerIDs: Array(shop))).filter { $0.kind == .engine }
        let cliRows = try fromCLI.events(EventFilter(containerIDs: Array(shop)))
        #expect(recorderRows.count >= 12)
        #expect(cliRows.map(columns) == recorderRows.map(columns))
    }
}
