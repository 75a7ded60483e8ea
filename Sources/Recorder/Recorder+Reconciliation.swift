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

    /// Whether a change at `time` is close enough to the window's end that its event may come on the live stream.
    func isNearEnd(_ time: Int64) -> Bool {
        time > untilNanos - Recorder.announcementSlackNanos
    }
}

/// What the reconciliation at a connection found: the changes appended at once, the running containers (to sample),
/// and what is left to settle once the live stream has caught up (``Recorder/settle(_:)``).
struct Reconciliation: Sendable {
    /// A listed container whose inspect shows a change near the window's end: its event may still come live.
    struct Unsettled: Sendable {
        var inspect: ContainerInspect
        var known: ContainerState?
    }

    var window: ReconciliationWindow?
    var reconciled = 0
    var running: [ContainerInspect] = []
    var unsettled: [Unsettled] = []
    /// Containers the store holds as existing that the engine did not list.
    var missing: [String] = []
}

extension Recorder {
    /// How far an engine event's `timeNano` may lie from the `State.StartedAt`/`FinishedAt` it announces.
    static let announcementSlackNanos: Int64 = 5_000_000_000

    /// Handles every container the engine lists at (re)connection: a snapshot, a start failure if it has one,
    /// and — when there is a blind window — each change inside it that no stored event announced, appended as a
    /// `reconciled_*` row. A change within ``announcementSlackNanos`` of the window's end, and a container the store
    /// holds but the engine no longer lists, may still be announced by an event on the live stream (the engine sends
    /// events after `until` there, and they are handled only after this returns): those are left to ``settle(_:)``.
    func reconcile(_ containers: [ContainerSummary], window: ReconciliationWindow?) async -> Reconciliation {
        let scanned = await withTaskGroup(of: (Int, ContainerInspect?, Reconciliation.Unsettled?).self) { group in
            for container in containers {
                group.addTask { await self.scan(container, window: window) }
            }
            return await group.reduce(into: [(Int, ContainerInspect?, Reconciliation.Unsettled?)]()) { $0.append($1) }
        }
        var reconciliation = Reconciliation(
            window: window, reconciled: scanned.map(\.0).reduce(0, +), running: scanned.compactMap(\.1), unsettled: scanned.compactMap(\.2))
        guard window != nil else { return reconciliation }
        let listed = Set(containers.map(\.id))
        reconciliation.missing = ((try? store.existingContainerIDs()) ?? []).filter { !listed.contains($0) }
        return reconciliation
    }

    /// Completes a reconciliation once the live stream has been handled past the window's end (or has gone quiet):
    /// appends the changes left unsettled that no event announced meanwhile, and a `reconciled_remove` for each missing
    /// container whose `destroy` did not arrive. Returns how many rows it appended.
    func settle(_ reconciliation: Reconciliation) async -> Int {
        guard let window = reconciliation.window, !reconciliation.unsettled.isEmpty || !reconciliation.missing.isEmpty else { return 0 }
        await progress.wait(past: window.untilNanos + 1_000_000_000)
        await writer.flush()
        var appended = 0
        for unsettled in reconciliation.unsettled {
            for change in unannouncedChanges(unsettled.inspect, known: unsettled.known, window: window) where window.isNearEnd(change.timeNanos) {
                await write(change)
                logger.notice(
                    "found a change no event announced", metadata: ["container.name": "\(unsettled.inspect.name)", "change": "\(change.kind.rawValue)"])
                appended += 1
            }
        }
        for id in reconciliation.missing {
            guard let known = try? store.container(id), known.status != "removed" else { continue }
            let change = EventRecord.ReconciledChange(change: .remove, status: "removed", restartCount: known.restartCount)
            await write(.reconciled(change, nil, containerID: id, containerName: known.name, timeNanos: window.untilNanos))
            logger.notice("found a container removed while unobserved", metadata: ["container.name": "\(known.name ?? id)"])
            appended += 1
        }
        return appended
    }

    /// One listed container: compares inspect with the store before the snapshot updates the projection, and
    /// appends the changes well inside the window. Returns how many it appended, the inspect when the container runs,
    /// and the container when a change near the window's end is left to ``settle(_:)``.
    private func scan(_ container: ContainerSummary, window: ReconciliationWindow?) async -> (Int, ContainerInspect?, Reconciliation.Unsettled?) {
        let known = try? store.container(container.id)
        guard let (inspect, json) = await inspectContainer(container.id) else { return (0, nil, nil) }
        let changes = window.map { unannouncedChanges(inspect, known: known, window: $0) } ?? []
        let settled = changes.filter { window?.isNearEnd($0.timeNanos) == false }
        for change in settled {
            await write(change)
            logger.notice(
                "found a change no event announced", metadata: ["container.name": "\(inspect.name)", "change": "\(change.kind.rawValue)"])
        }
        await storeSnapshot(inspect, json: json, timeNanos: Timestamp.nowNanos(), trigger: nil)
        if StartFailureCheck.shows(inspect.state) {
            await recordStartFailure(inspect, json: nil, trigger: nil)
        }
        let unsettled = settled.count < changes.count ? Reconciliation.Unsettled(inspect: inspect, known: known) : nil
        return (settled.count, inspect.state.running ? inspect : nil, unsettled)
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
            let starts =
                (try? store.countEngineEvents(containerID: id, action: "start", from: window.fromNanos, until: window.untilNanos + slack)) ?? 0
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
