@testable import BlackboxCLI
@testable import BlackboxStore
import BlackboxViews
import DockerEngine
import Foundation
import Testing

/// What reconciliation rows do to the projections, and what `blackbox status` makes of the recorder's rows.
@Suite struct ReconciliationFoldTests {
    private func inspect() throws -> ContainerInspect {
        try ContainerInspect.decode(Fixtures.data("inspect-fx-ok.json"))
    }

    @Test func reconciledChangesFoldIntoTheContainersProjectionAndMissedRestartsOpenAnIncident() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        let inspect = try inspect()
        let id = inspect.id
        func append(_ change: EventRecord.ReconciledChange, at time: Int64) throws {
            try store.append(.reconciled(change, inspect, containerID: id, containerName: nil, timeNanos: time))
        }
        try append(.init(change: .create, status: "created", createdNanos: 10), at: 10)
        #expect(try store.container(id)?.status == "created")
        try append(.init(change: .start, status: "running", startedNanos: 20), at: 20)
        #expect(try store.container(id)?.status == "running")
        #expect(try store.incidents().isEmpty)

        try append(.init(change: .restart, status: "running", startedNanos: 30, restartCount: 4, missedRestarts: 3), at: 30)
        let container = try #require(try store.container(id))
        #expect(container.restartCount == 4)
        #expect(container.startedNanos == 30)
        let incident = try #require(try store.incidents().first)
        #expect(incident.trigger == "reconciled")

        try append(.init(change: .remove, status: "removed", restartCount: 4), at: 40)
        #expect(try store.container(id)?.status == "removed")
        #expect(try store.incidents().first?.resolution == "removed")
        // The same change found twice (two reconnects) is stored once.
        #expect(try store.append(.reconciled(.init(change: .remove, status: "removed", restartCount: 4), inspect, containerID: id, containerName: nil, timeNanos: 40)) == nil)
    }

    @Test func anExitWhoseCodeIsGoneIsKeptWithoutChangingARunningContainer() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        let inspect = try inspect()
        try store.append(.reconciled(.init(change: .start, status: "running", startedNanos: 20), inspect, containerID: inspect.id, containerName: nil, timeNanos: 20))
        let exit = EventRecord.reconciledExit(inspect, timeNanos: 15, restartedSince: true)
        #expect(exit.exitCode == nil)
        #expect(try store.append(exit) != nil)
        #expect(try store.container(inspect.id)?.status == "running")
        #expect(try store.incidents().isEmpty, "an exit of unknown code is evidence, not a failure")
    }

    /// The recorder settles a change near the end of a blind window only once the live stream has been handled past it,
    /// so a later start of the same container may be folded first: the reconciled exit must not stop it again.
    @Test func aReconciledChangeFoldedAfterALaterEventLeavesItsStatus() throws {
        let inspect = try inspect()
        var state = ContainerState(containerID: inspect.id)
        state.apply(
            EventRecord(
                timeNanos: 30, kind: .engine, type: "container", action: "start", actorID: inspect.id, containerID: inspect.id,
                deduplicationKey: "engine|start|30", payload: "{}"))
        state.apply(.reconciledExit(inspect, timeNanos: 20))
        #expect(state.status == "running")
        state.apply(.reconciled(.init(change: .remove, status: "removed", restartCount: 0), nil, containerID: inspect.id, containerName: nil, timeNanos: 25))
        #expect(state.status == "running")
        state.apply(.reconciled(.init(change: .remove, status: "removed", restartCount: 0), nil, containerID: inspect.id, containerName: nil, timeNanos: 40))
        #expect(state.status == "removed", "a reconciled change after everything folded still applies")
    }

    private func status(_ lifecycle: EventRecord?, connectedSince: Int64? = nil, lastRow: Int64? = nil) -> EventStore.RecordingStatus {
        EventStore.RecordingStatus(lastLifecycle: lifecycle, connectedSince: connectedSince, lastRowNanos: lastRow, rejectedLines: 0)
    }

    @Test func theRecorderStateComesFromTheLockAndTheNewestLifecycleRow() {
        let address = "unix:///run/docker.sock"
        let lost = EventRecord.recorderDisconnected(address: address, reason: "connection refused", timeNanos: 50)
        let reconnecting = RecorderState(status(lost, connectedSince: 10), held: true)
        #expect(reconnecting.name == "reconnecting")
        #expect(reconnecting.since == 50)
        #expect(reconnecting.reason == "connection refused")
        #expect(reconnecting.sentence(now: 60).contains("reconnecting"))

        let back = EventRecord.recorderReconnected(address: address, timeNanos: 70)
        let connected = RecorderState(status(back, connectedSince: 70), held: true)
        #expect(connected.name == "connected" && connected.since == 70)

        let stopped = RecorderState(status(.recorder(.recorderStop, address: address, timeNanos: 80)), held: false)
        #expect(stopped.name == "stopped" && stopped.since == 80)

        // The lock is free but the last row is not a stop: the recorder was killed; the store is blind since its last row.
        let crashed = RecorderState(status(back, connectedSince: 70, lastRow: 75), held: false)
        #expect(crashed.name == "crashed" && crashed.since == 75)

        #expect(RecorderState(status(nil), held: false).name == "never")
    }

    @Test func aSessionsOwnGapRowReplacesTheWindowDerivedFromItsLifecycleRows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        let address = "unix:///run/docker.sock"
        try store.append(.recorder(.recorderStart, address: address, timeNanos: 10))
        try store.append(.recorder(.recorderStop, address: address, timeNanos: 20))
        try store.append(.recorder(.recorderStart, address: address, timeNanos: 30))
        // A store written before gap rows existed: the window comes from the lifecycle rows.
        #expect(try store.blindWindows() == [BlindWindow(fromNanos: 20, untilNanos: 30, reason: "recorder_down")])

        let gap = EventRecord.Gap(reason: "recorder_down", fromNanos: 20, untilNanos: 31, replayed: 4, reconciled: 1)
        try store.append(.recorderGap(gap))
        #expect(try store.blindWindows() == [BlindWindow(fromNanos: 20, untilNanos: 31, reason: "recorder_down", gap: gap)])

        try store.append(.recorder(.recorderStop, address: address, timeNanos: 40))
        #expect(try store.blindWindows().last == BlindWindow(fromNanos: 40, untilNanos: nil, reason: "recorder_down"), "open while nobody records")
    }
}
