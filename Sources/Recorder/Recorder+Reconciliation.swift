import BlackboxStore
import DockerEngine
import Logging

/// A window in which the store may have missed what happened: it starts at `fromNanos` (Unix nanoseconds) and
/// ends when the recorder is connected again. `reason` is the `recorder_gap` reason.
struct BlindWindow: Sendable {
    var fromNanos: Int64
    var reason: String
}

/// The times, Unix nanoseconds, in which a change that no event recorded is appended as reconciled.
struct ReconciliationWindow: Sendable {
    var fromNanos: Int64
    var untilNanos: Int64

    func contains(_ time: Int64?) -> Bool {
        guard let time else { return false }
        return time > fromNanos && time <= untilNanos
    }
}

extension Recorder {
    /// How far an engine event's `timeNano` may lie from the `State.StartedAt`/`FinishedAt` it announces.
    static let announcementSlackNanos: Int64 = 5_000_000_000

    /// Handles every container the engine lists at (re)connection: a snapshot, a start failure if it has one,
    /// and — when there is a blind window — each change inside it that no stored event announced, appended as a
    /// `reconciled_*` row. Containers the store holds but the engine no longer lists get a `reconciled_remove`
    /// unless their `destroy` arrives meanwhile.
    ///
    /// - Returns: how many changes were reconciled, and the inspects of the running containers (to sample).
    func reconcile(_ containers: [ContainerSummary], window: ReconciliationWindow?) async -> (reconciled: Int, running: [ContainerInspect]) {
        let scanned = await withTaskGroup(of: (Int, ContainerInspect?).self) { group in
            for container in containers {
                group.addTask { await self.scan(container, window: window) }
            }
            return await group.reduce(into: [(Int, ContainerInspect?)]()) { $0.append($1) }
        }
        let running = scanned.compactMap(\.1)
        let reconciled = scanned.map(\.0).reduce(0, +)
        guard let window else { return (reconciled, running) }
        let listed = Set(containers.map(\.id))
        let missing = ((try? store.existingContainerIDs()) ?? []).filter { !listed.contains($0) }
        guard !missing.isEmpty else { return (reconciled, running) }
        // A `destroy` after the connection arrives on the live stream: give it time to be stored.
        try? await Task.sleep(for: .seconds(2))
        await writer.flush()
        var removed = 0
        for id in missing {
            guard let known = try? store.container(id), known.status != "removed" else { continue }
            let change = EventRecord.ReconciledChange(change: .remove, status: "removed", restartCount: known.restartCount)
            await write(.reconciled(change, nil, containerID: id, containerName: known.name, timeNanos: window.untilNanos))
            logger.notice("found a container removed while unobserved", metadata: ["container.name": "\(known.name ?? id)"])
            removed += 1
        }
        return (reconciled + removed, running)
    }

    /// One listed container: compares inspect with the store before the snapshot updates the projection.
    /// Returns the changes reconciled, and the inspect when the container runs.
    private func scan(_ container: ContainerSummary, window: ReconciliationWindow?) async -> (Int, ContainerInspect?) {
        let known = try? store.container(container.id)
        guard let (inspect, json) = await inspectContainer(container.id) else { return (0, nil) }
        let changes = window.map { unannouncedChanges(inspect, known: known, window: $0) } ?? []
        for change in changes {
            await write(change)
            logger.notice(
                "found a change no event announced", metadata: ["container.name": "\(inspect.name)", "change": "\(change.kind.rawValue)"])
        }
        await storeSnapshot(inspect, json: json, timeNanos: Timestamp.nowNanos(), trigger: nil)
        if StartFailureCheck.shows(inspect.state) {
            await recordStartFailure(inspect, json: nil, trigger: nil)
        }
        return (changes.count, inspect.state.running ? inspect : nil)
    }

    /// The changes inspect shows inside `window` that the store holds no event for, oldest first.
    func unannouncedChanges(_ inspect: ContainerInspect, known: ContainerState?, window: ReconciliationWindow) -> [EventRecord] {
        let id = inspect.id
        let slack = Self.announcementSlackNanos
        var changes: [EventRecord] = []
        func announced(_ actions: [String], _ kinds: [EventKind], near time: Int64) -> Bool {
            (try? store.hasEvent(containerID: id, actions: actions, kinds: kinds, from: time - slack, until: time + slack)) ?? false
        }
        if let created = inspect.createdNanos, window.contains(created), !announced(["create"], [.reconciledCreate], near: created) {
            let change = EventRecord.ReconciledChange(change: .create, status: "created", createdNanos: created, restartCount: 0)
            changes.append(.reconciled(change, inspect, containerID: id, containerName: nil, timeNanos: created))
        }
        let started = inspect.state.startedAtNanos
        if let started, window.contains(started), !announced(["start"], [.reconciledStart], near: started) {
            changes.append(.reconciled(.init(.start, inspect), inspect, containerID: id, containerName: nil, timeNanos: started))
        }
        if let finished = inspect.state.finishedAtNanos, window.contains(finished), !announced(["die"], [.reconciledExit], near: finished) {
            // Running (or restarting) again: inspect no longer holds that exit's code. Exited: this is its last state,
            // after its start even when the engine's StartedAt says otherwise (seen after a dockerd crash).
            let restartedSince = inspect.state.running || inspect.state.restarting
            let time = restartedSince ? finished : max(finished, (started ?? 0) + 1)
            changes.append(.reconciledExit(inspect, timeNanos: time, restartedSince: restartedSince))
        }
        if let known, inspect.restartCount > known.restartCount {
            let starts = (try? store.countEngineEvents(containerID: id, action: "start", from: window.fromNanos, until: window.untilNanos)) ?? 0
            let missed = inspect.restartCount - known.restartCount - starts
            if missed > 0 {
                changes.append(
                    .reconciled(
                        .init(.restart, inspect, missedRestarts: missed), inspect, containerID: id, containerName: nil,
                        timeNanos: started ?? window.untilNanos))
            }
        }
        return changes.sorted { $0.timeNanos < $1.timeNanos }
    }
}
