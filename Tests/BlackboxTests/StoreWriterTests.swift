import BlackboxStore
import Foundation
import GRDB
import Playbooks
@testable import Recorder
import Testing

/// The recorder's writer when the disk fills up: nothing corrupt, nothing lost that fits the buffer, the rest counted.
@Suite(.serialized)
struct StoreWriterTests {
    /// What the writer drops while the store cannot be written, and a gap row put back after a failed write, become
    /// one row: the window that covers both and the sum of what each dropped.
    @Test func droppedRowsAddUpInOneGap() {
        let first = EventRecord.Gap(reason: "write_buffer_overflow", fromNanos: 5, untilNanos: 9, droppedEvents: 3, droppedSamples: 1)
        let later = EventRecord.Gap(reason: "write_buffer_overflow", fromNanos: 2, untilNanos: 7, droppedEvents: 4)
        let merged = first.merged(with: later)
        #expect(merged == EventRecord.Gap(reason: "write_buffer_overflow", fromNanos: 2, untilNanos: 9, droppedEvents: 7, droppedSamples: 1))
        #expect(later.merged(with: first) == merged)
    }

    private func event(_ index: Int) -> EventRecord {
        let payload = "{\"n\":\(index),\"pad\":\"\(String(repeating: "x", count: 600))\"}"
        return EventRecord(
            timeNanos: 1_000_000_000 + Int64(index), kind: .engine, type: "container", action: "create", actorID: "c\(index)",
            containerID: "c\(index)", deduplicationKey: "test|\(index)", payload: payload)
    }

    /// A store on a small file system that is full, and a running writer holding at most `capacity` rows.
    private func writerOnAFullDisk(capacity: Int) throws -> (SmallFileSystem, EventStore, CapturedLogs, StoreWriter, Task<Void, any Error>) {
        let disk = try SmallFileSystem(kibibytes: 4096)
        let store = try EventStore(path: disk.path + "/blackbox.sqlite")
        let logs = CapturedLogs()
        let writer = StoreWriter(
            store: store, diagnoser: IncidentDiagnoser(store: store, playbooks: [], lookups: NoLookups()), logger: logs.logger(),
            capacity: capacity, sampleCapacity: capacity, retryInterval: .milliseconds(100))
        let running = Task { try await writer.run() }
        try disk.fill()
        return (disk, store, logs, writer, running)
    }

    private func waitFor(_ condition: () async -> Bool) async -> Bool {
        for _ in 0..<100 {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return await condition()
    }

    @Test func aFullDiskKeepsRowsQueuedAndWritesThemWhenSpaceReturns() async throws {
        let (disk, store, logs, writer, running) = try writerOnAFullDisk(capacity: 10_000)
        for index in 0..<1_000 { await writer.write(event(index)) }
        #expect(await waitFor { logs.messages.contains { $0.contains("cannot write to the store") } })
        try? await Task.sleep(for: .milliseconds(500))
        #expect(await writer.pending.events > 0, "the disk was full, so events wait in memory")
        #expect(logs.messages.filter { $0.contains("cannot write to the store") }.count == 1, "logged once, not once per retry")
        #expect(logs.messages.contains { $0.contains(store.path) && $0.contains("full") })

        disk.free()
        #expect(await waitFor { await writer.pending.events == 0 })
        await writer.finish(within: .seconds(2))
        try await running.value
        #expect(logs.messages.contains { $0.contains("writing to the store again") })
        #expect(try store.counts().events == 1_000)
        let check = try await DatabaseQueue(path: store.path).read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(check == "ok")
    }

    @Test func anOverflowingBufferDropsRowsAndRecordsTheGap() async throws {
        let (disk, store, logs, writer, running) = try writerOnAFullDisk(capacity: 100)
        await writer.write(event(0))
        #expect(await waitFor { logs.messages.contains { $0.contains("cannot write to the store") } })
        for index in 1..<1_000 { await writer.write(event(index)) }
        #expect(logs.messages.contains { $0.contains("the write buffer is full") })
        disk.free()
        #expect(await waitFor { await writer.pending.events == 0 })
        await writer.finish(within: .seconds(2))
        try await running.value

        let gap = try #require(try store.blindWindows().first?.gap)
        #expect(gap.reason == "write_buffer_overflow")
        let stored = try store.counts().events - 1
        #expect(stored >= 100 && stored < 1_000)
        #expect(gap.droppedEvents == 1_000 - stored, "every event is either stored or counted as dropped")
        #expect(gap.untilNanos == 1_000_000_000 + 999, "the last event dropped is the last one written")
    }
}
