@testable import BlackboxStore
import GRDB
import DockerEngine
import Foundation
import Testing

@Suite struct StoreTests {
    @Test func aSmallStoreHoldsASmallPageCacheInEveryConnection() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let small = try EventStore(path: directory.storePath, memory: .small)
        #expect(try small.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == -512)
        #expect(try small.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == -512)
        #expect(small.pool.configuration.maximumReaderCount == 2)
        let standard = try EventStore(path: directory.storePath)
        #expect(try standard.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == -2000)
    }

    @Test func appliesTheEmbeddedMigrationsOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        #expect(try store.appliedMigrations() == EventStore.migrationNames)
        #expect(EventStore.migrationNames.first == "0001_initial")
        let reopened = try EventStore(path: directory.storePath)
        #expect(try reopened.appliedMigrations() == EventStore.migrationNames)
        #expect(try reopened.integrityCheck() == "ok")
    }

    @Test func storesAnEngineEventDeliveredTwiceOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        let event = try EngineEvent.decode(line: try #require(Fixtures.eventLines().first))
        #expect(try store.append(.engine(event)) != nil)
        #expect(try store.append(.engine(event)) == nil)
        #expect(try store.counts().events == 1)
        let stored = try #require(try store.events(EventFilter()).first)
        #expect(stored.payload == event.raw)
        #expect(stored.containerName == "fx-ok")
    }

    @Test func foldsTheContainersProjectionAndRebuildsItIdentically() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        try FixtureSession.record(into: store)
        let live = try store.containers()
        let byName = Dictionary(live.map { ($0.name ?? "", $0) }, uniquingKeysWith: { $1 })
        let oom = try #require(byName["fx-oom"])
        #expect(oom.status == "exited")
        #expect(oom.exitCode == 137)
        #expect(oom.oomKilled)
        #expect(oom.memoryLimitBytes == Int64(33_554_432))
        #expect(byName["fx-ok"]?.exitCode == 0)
        #expect(byName["fx-health"]?.health == "unhealthy")
        #expect(byName["fx-limited"]?.status == "running")
        let conflict = try #require(byName["fx-conflict"])
        #expect(conflict.status == "created")
        #expect(conflict.error?.contains("port is already allocated") == true)

        try store.rebuildProjections()
        #expect(try store.containers() == live)
    }

    @Test func onlyARecordedStartFailureMarksTheContainerAsFailedToStart() throws {
        let json = try Fixtures.data("inspect-fx-conflict.json")
        let inspect = try ContainerInspect.decode(json)
        var state = ContainerState(containerID: inspect.id)
        state.apply(EventRecord.inspect(inspect, redactedJSON: json, timeNanos: 1, trigger: nil))
        #expect(state.status == "created")
        #expect(state.error == nil)
        state.apply(EventRecord.startFailure(inspect, timeNanos: 2, trigger: "t"))
        #expect(state.error == inspect.state.error)
    }

    @Test func anInspectAnsweredBeforeALaterEventDoesNotUndoIt() throws {
        var state = ContainerState(containerID: "c")
        var start = EventRecord(timeNanos: 200, kind: .engine, type: "container", action: "start", containerID: "c", payload: "{}")
        start.seq = 2
        state.apply(start)
        let created = try ContainerInspect.decode(Fixtures.data("inspect-fx-conflict.json"))
        let stale = EventRecord.inspect(created, redactedJSON: try Fixtures.data("inspect-fx-conflict.json"), timeNanos: 100, trigger: nil)
        state.apply(stale)
        #expect(state.status == "running")
    }

    @Test func findsContainersByNameOrIdPrefix() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        try FixtureSession.record(into: store)
        let ids = try store.containerIDs(matching: "fx-oom")
        #expect(ids.count == 1)
        let id = try #require(ids.first)
        #expect(try store.containerIDs(matching: String(id.prefix(6))) == [id])
        #expect(try store.containerIDs(matching: "no-such-container").isEmpty)
        let events = try store.events(EventFilter(containerIDs: ids))
        #expect(events.contains { $0.action == "oom" })
        #expect(events.allSatisfy { $0.containerID == id })
    }

    @Test func redactsCredentialsBeforeTheyReachTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        try FixtureSession.record(into: store)
        let json = try Fixtures.data("inspect-fx-limited.json")
        let inspect = try ContainerInspect.decode(json)
        let redacted = try #require(CredentialRedactor().redactInspect(json))
        try store.append(.inspect(inspect, redactedJSON: redacted, timeNanos: 1, trigger: nil))
        let stored = try ContainerInspect.decode(redacted)
        #expect(stored.config.env.contains("API_TOKEN=<redacted:8-15>"))
        #expect(stored.config.env.contains { $0.hasPrefix("PATH=") && !$0.contains("<redacted") })
        for suffix in ["", "-wal", "-shm"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: directory.storePath + suffix))) ?? Data()
            #expect(bytes.range(of: Data("fixture-secret".utf8)) == nil, "found the secret in blackbox.sqlite\(suffix)")
        }
    }

    @Test func redactsCredentialLabelsInEngineEvents() throws {
        let line = #"{"Type":"container","Action":"start","Actor":{"ID":"c1","Attributes":{"name":"web","com.example.db-password":"hunter2"}},"time":1,"timeNano":1000000000}"#
        let event = CredentialRedactor().redact(try EngineEvent.decode(line: Array(line.utf8)))
        #expect(!event.raw.contains("hunter2"))
        #expect(event.attributes["com.example.db-password"] == "<redacted:1-7>")
        #expect(event.attributes["name"] == "web")
        let untouched = #"{"Type":"container","Action":"start","Actor":{"ID":"c1","Attributes":{"name":"web"}},"time":1,"timeNano":1000000000}"#
        #expect(CredentialRedactor().redact(try EngineEvent.decode(line: Array(untouched.utf8))).raw == untouched)
        #expect(CredentialRedactor(patterns: ["token"]).isCredential(name: "GITHUB_TOKEN"))
    }

    @Test func resolvesTheStorePathFromFlagEnvironmentAndXDG() {
        #expect(StoreLocation.resolve(flag: "/a.sqlite", environment: ["BLACKBOX_DB": "/b.sqlite"]) == "/a.sqlite")
        #expect(StoreLocation.resolve(flag: nil, environment: ["BLACKBOX_DB": "/b.sqlite", "XDG_STATE_HOME": "/x"]) == "/b.sqlite")
        #expect(StoreLocation.resolve(flag: nil, environment: ["XDG_STATE_HOME": "/x", "HOME": "/h"]) == "/x/blackbox/blackbox.sqlite")
        #expect(StoreLocation.resolve(flag: nil, environment: ["HOME": "/h"]) == "/h/.local/state/blackbox/blackbox.sqlite")
    }

    @Test func namesThePathWhenTheStoreCannotBeWritten() throws {
        #expect {
            _ = try EventStore(path: "/proc/blackbox/blackbox.sqlite")
        } throws: { error in
            guard case StoreError.notWritable(let path, _) = error else { return false }
            return path == "/proc/blackbox/blackbox.sqlite" && (error as? StoreError)?.errorDescription?.contains(path) == true
        }
        #expect(throws: StoreError.self) { _ = try EventStore(path: "/nonexistent-dir-\(UUID())/x.sqlite", readOnly: true) }
    }

    @Test func aSecondRecorderIsRefusedWhileTheFirstHoldsTheLock() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(RecorderLock.isHeld(storePath: directory.storePath) == nil)
        _ = try EventStore(path: directory.storePath)
        #expect(RecorderLock.isHeld(storePath: directory.storePath) == false)
        var first: RecorderLock? = try RecorderLock.acquire(storePath: directory.storePath)
        #expect(RecorderLock.isHeld(storePath: directory.storePath) == true)
        #expect {
            _ = try RecorderLock.acquire(storePath: directory.storePath)
        } throws: { error in
            guard case StoreError.locked(let path) = error else { return false }
            return path == directory.storePath
        }
        withExtendedLifetime(first) {}
        first = nil
        #expect(RecorderLock.isHeld(storePath: directory.storePath) == false)
        #expect(throws: Never.self) { _ = try RecorderLock.acquire(storePath: directory.storePath) }
    }

    @Test func refusesAnSQLiteFileThatIsNotAStore() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let other = try GRDBFile(path: directory.storePath)
        try other.createTable()
        let before = try Data(contentsOf: URL(fileURLWithPath: directory.storePath))
        #expect {
            _ = try EventStore(path: directory.storePath)
        } throws: { error in
            (error as? StoreError)?.errorDescription?.contains("not a blackbox store") == true
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.storePath)) == before, "refused without a byte changed (no WAL switch)")
    }

    @Test func createsOnlyTheDefaultLocationsDirectories() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let nested = directory.url.appending(path: "a/b/blackbox.sqlite").path
        #expect {
            _ = try EventStore(path: nested)
        } throws: { error in
            (error as? StoreError)?.errorDescription?.contains("does not exist") == true
        }
        #expect(!FileManager.default.fileExists(atPath: directory.url.appending(path: "a").path))
        _ = try EventStore(path: nested, createDirectory: true)
        #expect(FileManager.default.fileExists(atPath: nested))
    }

    @Test func findsContainersByAnyUniqueIdPrefixButNotAnAmbiguousOne() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        try FixtureSession.record(into: store)
        let id = try #require(try store.containerIDs(matching: "fx-oom").first)
        #expect(try store.containerIDs(matching: String(id.prefix(2))).contains(id))
        #expect(try store.containerIDs(matching: "zz").isEmpty)
    }

    @Test func keepsAtMostEightKilobytesOfALogLine() throws {
        let long = LogLine(stream: .stdout, timeNanos: 1, text: String(repeating: "x", count: 20_000))
        let record = EventRecord.logTail(containerID: "c", containerName: "c", lines: [long], failure: nil, timeNanos: 1, trigger: nil)
        let tail = try JSONDecoder().decode(EventRecord.LogTail.self, from: Data(record.payload.utf8))
        #expect(tail.lines.first?.text.hasSuffix("[11808 more bytes not kept]") == true)
        #expect(tail.lines.first!.text.utf8.count < 8300)
    }
}
