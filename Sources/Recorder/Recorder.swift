import BlackboxStore
import DockerEngine
import Foundation
import Logging
import Playbooks
import ServiceLifecycle

/// `blackbox record`: follows the engine's `/events`, enriches them with inspect snapshots, log tails and
/// start-failure observations, samples running containers, and appends everything to the store.
///
/// Runs until cancelled or until a graceful shutdown (SIGINT/SIGTERM in a `ServiceGroup`), then appends a
/// `recorder_stop` event, commits what is queued and returns. It records its own lifecycle (`recorder_start`,
/// `recorder_disconnected`, `recorder_reconnected`, `recorder_stop`) and every window in which the store may be
/// blind (`recorder_gap`: since the previous session, or while the engine was unreachable). On each connection it
/// replays what the engine's buffer still holds of that window (`/events?since=…&until=…`; redeliveries are stored
/// once), then reconciles every container against the store (``reconcile(_:window:)``).
public struct Recorder: Service {
    /// What the recorder saw when it connected, for the start-up status line.
    public struct Ready: Sendable {
        public var address: String
        /// The engine and its release, e.g. `Docker 20.10.24+dfsg1` or `Podman 4.3.1` (``EngineVersion/productDescription``).
        public var engineVersion: String
        public var apiVersion: String
        public var containers: Int
        public var running: Int
    }

    let client: DockerClient
    let store: EventStore
    let configuration: RecorderConfiguration
    let logger: Logger
    let onReady: @Sendable (Ready) -> Void
    let samplers = SamplerRegistry()
    let facts = ContainerFacts()
    let oomWatches = OOMWatchRegistry()
    let logFollows: LogFollowSlots
    let writer: StoreWriter
    /// Deduplication keys of the engine events handled lately, so that the buffer replay and the live stream's
    /// overlap is handled once.
    let seen = RecentKeys(capacity: 4_096)
    /// How far the event stream has been handled, for the reconciliation to settle on (``settle(_:)``).
    let progress = StreamProgress()
    let sampling: SamplerSelection

    public init(
        client: DockerClient, store: EventStore, configuration: RecorderConfiguration = RecorderConfiguration(),
        playbooks: [Playbook] = PlaybookLibrary.builtIn.playbooks, logger: Logger = Logger(label: "blackbox.recorder"),
        onReady: @escaping @Sendable (Ready) -> Void = { _ in }
    ) {
        self.client = client
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.writer = StoreWriter(store: store, diagnoser: IncidentDiagnoser(store: store, playbooks: playbooks), logger: logger)
        self.sampling = SamplerSelection(mode: configuration.sampler, engine: client.address, logger: logger)
        self.onReady = onReady
        self.logFollows = LogFollowSlots(maximum: configuration.errorBursts?.maximumContainers ?? 0)
    }

    /// Records until cancelled or a graceful shutdown; see the type's documentation.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read at the start;
    ///   ``StoreError/notWritable(path:reason:)`` when it stopped with rows it could not store. An unreachable engine
    ///   is not an error: the recorder retries.
    public func run() async throws {
        let address = client.address.description
        let previous = try store.previousSession()
        async let writing: Void = writer.run()
        let startedAt = Timestamp.nowNanos()
        await writer.write(.recorder(.recorderStart, address: address, timeNanos: startedAt))
        let blind = previous.map {
            BlindWindow(fromNanos: $0.lastRowNanos, reason: $0.stoppedCleanly ? "recorder_down" : "recorder_crashed")
        }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.recordUntilCancelled(blind: blind) }
                group.addTask { await self.pruneUntilCancelled() }
            }
        }
        await writer.write(.recorder(.recorderStop, address: address, timeNanos: Timestamp.nowNanos()))
        await writer.finish(within: .seconds(1))
        try await writing
        logger.info("recorder stopped", metadata: ["store.path": "\(store.path)"])
    }

    /// Sessions one after another: each subscribes, replays and reconciles what it missed, then follows the
    /// engine until its stream ends. Between sessions it retries with capped exponential back-off and jitter,
    /// logging the loss and the return once each (every attempt only at debug level).
    private func recordUntilCancelled(blind initial: BlindWindow?) async {
        var blind = initial
        var attempt = 0
        var first = true
        while !Task.isCancelled {
            let outcome = await session(blind: blind, announce: first)
            if Task.isCancelled { return }
            switch outcome {
            case .lost(let reason):
                let now = Timestamp.nowNanos()
                logger.warning("lost the engine; reconnecting", metadata: ["engine.address": "\(client.address)", "reason": "\(reason)"])
                await writer.write(.recorderDisconnected(address: client.address.description, reason: reason, timeNanos: now))
                blind = BlindWindow(fromNanos: now, reason: "disconnected")
                attempt = 0
                first = false
            case .unreachable(let reason):
                logger.debug("the engine is still unreachable", metadata: ["engine.address": "\(client.address)", "reason": "\(reason)"])
            }
            await samplers.removeAll()
            attempt += 1
            do {
                try await Task.sleep(for: Self.backOff(attempt: attempt, maximum: configuration.maximumReconnectDelay))
            } catch {
                return
            }
        }
    }

    /// The wait before reconnection attempt `attempt` (1, 2, …): 250 ms doubled each time up to `maximum`,
    /// then a random part of it ("equal jitter": between half and all of it), so many recorders do not retry in step.
    static func backOff(attempt: Int, maximum: Duration) -> Duration {
        let ceiling = min(Duration.milliseconds(250) * (1 << min(attempt - 1, 16)), maximum)
        let nanos = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        return .nanoseconds(nanos / 2 + Int64.random(in: 0...(nanos / 2)))
    }

    /// How a session ended: it never got the engine, or it had it and lost it.
    private enum SessionOutcome {
        case unreachable(String)
        case lost(String)
    }

    /// One connection: subscribe first (so nothing happens unseen), replay what the engine's buffer holds of the
    /// blind window, reconcile every container against the store, record the window itself, then follow the stream.
    private func session(blind: BlindWindow?, announce: Bool) async -> SessionOutcome {
        // Events from `requested` on come on the live stream (the engine replays what it holds since then); the blind
        // window ends when the engine has answered, which can be seconds later while it starts up.
        let requested = Timestamp.nowNanos()
        let connectedAt: Int64
        let live: JSONLineStream<EventStreamElement>
        let version: EngineVersion
        let info: Data
        do {
            live = try await client.events(since: requested)
            version = try await client.version()
            info = try await client.info()
            connectedAt = Timestamp.nowNanos()
        } catch {
            return .unreachable(Self.reason(error))
        }
        if !announce {
            logger.notice("reconnected to the engine", metadata: ["engine.address": "\(client.address)"])
            await writer.write(.recorderReconnected(address: client.address.description, timeNanos: connectedAt))
        }
        await writer.write(
            .engineInfo(
                address: client.address.description, apiVersion: client.apiVersion.description, versionJSON: version.raw, infoJSON: info,
                timeNanos: Timestamp.nowNanos()))
        do {
            try await withThrowingDiscardingTaskGroup { group in
                let (events, continuation) = AsyncThrowingStream<EventStreamElement, any Error>.makeStream()
                group.addTask {
                    do {
                        for try await element in live { continuation.yield(element) }
                        continuation.finish()
                    } catch {
                        continuation.finish(throwing: error)
                    }
                }
                let replayed = try await replay(blind: blind, until: requested, in: &group)
                let containers = try await client.listContainers(all: true)
                let window = blind.map { ReconciliationWindow(fromNanos: $0.fromNanos, untilNanos: requested) }
                let reconciliation = await reconcile(containers, window: window)
                for inspect in reconciliation.running {
                    group.addTask { await self.sample(inspect) }
                }
                if let blind {
                    // Settled while the live stream is handled below; the window is recorded once it is complete.
                    group.addTask {
                        let late = await self.settle(reconciliation)
                        await self.writer.write(
                            .recorderGap(
                                .init(
                                    reason: blind.reason, fromNanos: blind.fromNanos, untilNanos: connectedAt, replayed: replayed,
                                    reconciled: reconciliation.reconciled + late)))
                    }
                }
                if announce {
                    onReady(
                        Ready(
                            address: client.address.description, engineVersion: version.productDescription, apiVersion: client.apiVersion.description,
                            containers: containers.count, running: containers.filter { $0.state == "running" }.count))
                }
                group.addTask { try await self.sweepStartFailures() }
                for try await element in events {
                    await handle(element, in: &group, stored: false)
                }
                throw EngineError.unreachable(address: client.address.description, reason: "the event stream ended")
            }
        } catch {
            return .lost(Self.reason(error))
        }
        return .lost("the event stream ended")
    }

    /// Writes what the engine's buffer still holds of the blind window (`/events?since=…&until=…`), so that the
    /// reconciliation that follows sees it; returns how many of those events were new to the store.
    private func replay(blind: BlindWindow?, until: Int64, in group: inout ThrowingDiscardingTaskGroup<any Error>) async throws -> Int {
        guard let blind, let since = try? store.latestEngineEventTime() ?? blind.fromNanos else { return 0 }
        var replayed = 0
        for try await element in try await client.events(since: since, until: until) {
            if await handle(element, in: &group, stored: true) { replayed += 1 }
        }
        await writer.flush()
        return replayed
    }

    private static func reason(_ error: any Error) -> String {
        if case EngineError.unreachable(_, let reason) = error { return reason }
        return error.localizedDescription
    }

    /// Stores one element of the event stream and starts the observations it calls for; returns whether it was an
    /// engine event not seen before in this session — nor, with `stored` (the buffer replay, which overlaps what the
    /// store holds), in the store. The live stream starts after everything stored, so it skips that look-up.
    @discardableResult
    private func handle(_ element: EventStreamElement, in group: inout ThrowingDiscardingTaskGroup<any Error>, stored: Bool) async -> Bool {
        switch element {
        case .malformed(let raw, let reason):
            let bytes = if case .oversized(let count, _) = reason { count } else { raw.count }
            logger.warning("rejected an engine event line; kept as rejected_line", metadata: ["reason": "\(reason)", "bytes": "\(bytes)"])
            await writer.write(.rejectedLine(raw, kind: reason.kind.rawValue, reason: "\(reason)", bytes: bytes, timeNanos: Timestamp.nowNanos()))
            return false
        case .event(let received):
            await progress.begin(received.timeNano)
            let new = await handle(received, in: &group, stored: stored)
            await progress.end()
            return new
        }
    }

    private func handle(_ received: EngineEvent, in group: inout ThrowingDiscardingTaskGroup<any Error>, stored: Bool) async -> Bool {
        let event = configuration.redactor.redact(received)
        let record = EventRecord.engine(event)
        let key = record.deduplicationKey ?? ""
        guard await seen.insert(key), !stored || !((try? store.hasKey(key)) ?? false) else { return false }
        var previous: String?
        if event.type == "container", let containerID = event.containerID {
            previous = await facts.noteAction(event.baseAction, of: containerID)
        }
        enrich(event, previousAction: previous, in: &group)
        await writer.write(record)
        return true
    }

    /// Starts the observations an event calls for, concurrently, so a `die` gets its logs before `--rm` removes them.
    /// `previousAction` is the container's lifecycle action before this event (``ContainerFacts/noteAction(_:of:)``).
    private func enrich(_ event: EngineEvent, previousAction: String?, in group: inout ThrowingDiscardingTaskGroup<any Error>) {
        guard let containerID = event.containerID else { return }
        let trigger = event.deduplicationKey
        switch (event.type, event.baseAction) {
        case ("container", "die"):
            group.addTask {
                // Both at once, to beat `--rm`; the host facts of the failure need both.
                async let lines = self.captureLogTail(containerID, name: event.containerName, trigger: trigger)
                async let inspected: (ContainerInspect, Data)? = {
                    await self.readOOMCountersAtDie(containerID)
                    await self.samplers.stop(containerID)
                    return await self.snapshotDocument(containerID, trigger: trigger)
                }()
                let (tail, snapshot) = await (lines, inspected)
                await self.recordHostFacts(containerID, name: event.containerName, inspect: snapshot?.1, logLines: tail ?? [], trigger: trigger)
            }
        case ("container", "destroy"):
            group.addTask {
                await self.samplers.stop(containerID)
                await self.oomWatches.remove(containerID)
            }
        case ("container", "create"), ("container", "health_status"):
            group.addTask { _ = await self.snapshot(containerID, trigger: trigger) }
        case ("container", "update"):
            // The new limits, for the store (old → new in the timeline) and for the running sampler.
            group.addTask {
                if let inspect = await self.snapshot(containerID, trigger: trigger) { await self.samplers.noteUpdate(inspect) }
            }
        case ("container", "start"), ("container", "unpause"):
            group.addTask {
                if let inspect = await self.snapshot(containerID, trigger: trigger), inspect.state.running {
                    await self.sample(inspect, fromStart: event.baseAction == "start")
                }
            }
        case ("container", "cleanup") where RefusedStartCheck.isRefusedStart(action: "cleanup", previous: previousAction):
            group.addTask { await self.recordRefusedStart(containerID, trigger: trigger) }
        case ("network", "disconnect"):
            group.addTask { await self.recordStartFailure(containerID, trigger: trigger) }
        case ("network", "connect"), ("container", "attach"):
            group.addTask { await self.recordStartFailure(after: .seconds(1), containerID, trigger: trigger) }
        default:
            break
        }
    }

    /// Checks the containers that do not run now and then: a failed start may come with no event at all (a start
    /// into a network that was removed, a mount source that is gone), whether the container never ran or ran before.
    /// Containers still `created` are checked every second (a person who reads the error and runs `docker rm -f`
    /// leaves no more than that), the others every ``RecorderConfiguration/startFailureSweepInterval``.
    private func sweepStartFailures() async throws {
        let every = max(1, Int(configuration.startFailureSweepInterval / .seconds(1)))
        var tick = 0
        while true {
            try await Task.sleep(for: .seconds(1))
            tick += 1
            let states: Set<String> = tick % every == 0 ? ["created", "exited", "dead"] : ["created"]
            for container in try await client.listContainers(all: true) where states.contains(container.state) {
                await recordStartFailure(container.id, trigger: nil)
            }
        }
    }

    /// Queues one row for the store (see ``StoreWriter``).
    func write(_ record: EventRecord) async {
        await writer.write(record)
    }
}
