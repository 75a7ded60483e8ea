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
/// `recorder_stop` event and returns. When the engine goes away it reconnects with back-off and resubscribes
/// from the last recorded event's time; redelivered events are stored once.
public struct Recorder: Service {
    /// What the recorder saw when it connected, for the start-up status line.
    public struct Ready: Sendable {
        public var address: String
        public var engineVersion: String
        public var apiVersion: String
        public var containers: Int
        public var running: Int
    }

    let client: DockerClient
    let store: EventStore
    let configuration: RecorderConfiguration
    let logger: Logger
    let diagnoser: IncidentDiagnoser
    let onReady: @Sendable (Ready) -> Void
    let samplers = SamplerRegistry()
    let facts = ContainerFacts()
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
        self.diagnoser = IncidentDiagnoser(store: store, playbooks: playbooks)
        self.sampling = SamplerSelection(mode: configuration.sampler, engine: client.address, logger: logger)
        self.onReady = onReady
    }

    public func run() async throws {
        let address = client.address.description
        try store.append(.recorder(.recorderStart, address: address, timeNanos: Self.now()))
        await cancelWhenGracefulShutdown {
            await self.recordUntilCancelled()
        }
        try store.append(.recorder(.recorderStop, address: address, timeNanos: Self.now()))
        logger.info("recorder stopped", metadata: ["store.path": "\(store.path)"])
    }

    /// Sessions one after another: each subscribes, scans and follows until the engine's stream ends.
    private func recordUntilCancelled() async {
        // Resume after the last engine event already stored: the engine replays what it still holds
        // (its last 256 events) and the unique keys drop what is already there.
        var since = try? store.latestEngineEventTime()
        var delay = Duration.milliseconds(500)
        var first = true
        while !Task.isCancelled {
            do {
                try await session(since: since, announce: first)
                delay = .milliseconds(500)
                logger.warning("the engine closed the event stream; reconnecting", metadata: ["engine.address": "\(client.address)"])
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                let reason = if case EngineError.unreachable(_, let reason) = error { reason } else { error.localizedDescription }
                logger.warning("lost the engine; reconnecting", metadata: ["engine.address": "\(client.address)", "error": "\(reason)"])
            }
            first = false
            await samplers.removeAll()
            since = (try? store.latestEngineEventTime()) ?? since
            do {
                try await Task.sleep(for: delay)
            } catch {
                return
            }
            delay = min(delay * 2, configuration.maximumReconnectDelay)
        }
    }

    /// One connection: subscribe first (so nothing happens unseen), record the engine's identity,
    /// inspect every container, then follow the stream.
    private func session(since: Int64?, announce: Bool) async throws {
        let subscription = try await client.events(since: since)
        let version = try await client.version()
        try store.append(
            .engineInfo(
                address: client.address.description, apiVersion: client.apiVersion.description, versionJSON: version.raw,
                infoJSON: try await client.info(), timeNanos: Self.now()))
        let (events, continuation) = AsyncThrowingStream<EventStreamElement, any Error>.makeStream()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                do {
                    for try await element in subscription { continuation.yield(element) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            let containers = try await client.listContainers(all: true)
            for container in containers {
                group.addTask { await self.scan(container) }
            }
            if !announce {
                logger.notice("reconnected to the engine", metadata: ["engine.address": "\(client.address)", "since": "\(since.map(Timestamp.rfc3339(unixNanos:)) ?? "now")"])
            }
            if announce {
                onReady(
                    Ready(
                        address: client.address.description, engineVersion: version.version, apiVersion: client.apiVersion.description,
                        containers: containers.count, running: containers.filter { $0.state == "running" }.count))
            }
            group.addTask { try await self.sweepStartFailures() }
            for try await element in events {
                handle(element, in: &group)
            }
            throw EngineError.unreachable(address: client.address.description, reason: "the event stream ended")
        }
    }

    private func handle(_ element: EventStreamElement, in group: inout ThrowingDiscardingTaskGroup<any Error>) {
        switch element {
        case .malformed(let raw, let reason):
            logger.warning("skipped a malformed engine event", metadata: ["reason": "\(reason)", "bytes": "\(raw.count)"])
        case .event(let received):
            let event = configuration.redactor.redact(received)
            enrich(event, in: &group)
            do {
                try write(.engine(event))
            } catch {
                logger.error("cannot store an engine event", metadata: ["error": "\(error.localizedDescription)", "event.action": "\(event.action)"])
            }
        }
    }

    /// Starts the observations an event calls for, concurrently, so a `die` gets its logs before `--rm` removes them.
    private func enrich(_ event: EngineEvent, in group: inout ThrowingDiscardingTaskGroup<any Error>) {
        guard let containerID = event.containerID else { return }
        let trigger = event.deduplicationKey
        switch (event.type, event.baseAction) {
        case ("container", "die"):
            group.addTask { await self.captureLogTail(containerID, name: event.containerName, trigger: trigger) }
            group.addTask {
                await self.samplers.stop(containerID)
                _ = await self.snapshot(containerID, trigger: trigger)
            }
        case ("container", "destroy"):
            group.addTask { await self.samplers.stop(containerID) }
        case ("container", "create"), ("container", "health_status"):
            group.addTask { _ = await self.snapshot(containerID, trigger: trigger) }
        case ("container", "start"), ("container", "unpause"):
            group.addTask {
                if let inspect = await self.snapshot(containerID, trigger: trigger), inspect.state.running {
                    await self.sample(inspect)
                }
            }
        case ("network", "disconnect"):
            group.addTask { await self.recordStartFailure(containerID, trigger: trigger) }
        default:
            break
        }
    }

    /// Start-up (and reconnect) handling of one existing container: a snapshot, a start failure if it has one, sampling if running.
    /// A container the store last saw running but that is now exited gets a `reconciled_exit`: its `die` never came.
    private func scan(_ container: ContainerSummary) async {
        let known = try? store.container(container.id)
        guard let inspect = await snapshot(container.id, trigger: nil) else { return }
        if let known, ["running", "restarting", "paused"].contains(known.status), ["exited", "dead"].contains(inspect.state.status) {
            do {
                try write(.reconciledExit(inspect, timeNanos: Self.now()))
                logger.notice("found a container exited while unobserved", metadata: ["container.name": "\(inspect.name)", "exit_code": "\(inspect.state.exitCode)"])
            } catch {
                logger.error("cannot store a reconciled exit", metadata: ["error": "\(error.localizedDescription)"])
            }
        }
        if inspect.state.status == "created" && !inspect.state.error.isEmpty {
            recordStartFailure(inspect, json: nil, trigger: nil)
        } else if inspect.state.running {
            await sample(inspect)
        }
    }

    /// Checks `created` containers now and then: a failed start may come with no event at all.
    private func sweepStartFailures() async throws {
        while true {
            try await Task.sleep(for: configuration.startFailureSweepInterval)
            for container in try await client.listContainers(all: true) where container.state == "created" {
                await recordStartFailure(container.id, trigger: nil)
            }
        }
    }

    /// Appends one event, and re-diagnoses the incident it opened or grew, so `incident show` is current at once.
    func write(_ record: EventRecord) throws {
        guard let seq = try store.append(record) else { return }
        do {
            try diagnoser.diagnose(touchedBy: seq)
        } catch {
            logger.warning("cannot diagnose an incident", metadata: ["error": "\(error.localizedDescription)"])
        }
    }

    static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}
