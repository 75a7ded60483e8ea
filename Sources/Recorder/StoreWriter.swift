import BlackboxStore
import Dispatch
import DockerEngine
import Logging
import Playbooks

/// The recorder's one path to the store. Events and samples are queued and committed by group commit: whatever
/// arrived while one transaction ran goes into the next, so in a burst the time from receipt to commit stays about
/// one transaction long, and a quiet recorder commits each event at once.
///
/// Events come first: they are committed in transactions of their own, and a batch of samples is committed only when
/// no event is waiting (or when the oldest queued sample has waited ``sampleDelay``). Transactions run on a thread of
/// their own, so queuing a row never waits for a commit. The incidents that committed events opened or grew are
/// diagnosed afterwards, off the commit path and once each however many events touched them meanwhile.
///
/// When a write fails (disk full, read-only file system, I/O error), the failure is logged once with the store's
/// path and the reason; the rows stay queued, at most ``capacity`` events and ``sampleCapacity`` samples, and the
/// write is retried every ``retryInterval``. Rows that do not fit are dropped and counted; once a write succeeds
/// again a `recorder_gap` row (reason `write_buffer_overflow`) says when the dropped rows were observed and how many.
/// A failed transaction leaves nothing half-written (SQLite rolls it back), so the file stays intact.
actor StoreWriter {
    /// Most events held while the store cannot be written.
    let capacity: Int
    /// Most samples held while the store cannot be written.
    let sampleCapacity: Int
    let retryInterval: Duration
    /// Longest time queued samples wait behind a stream of events.
    static let sampleDelay = Duration.seconds(1)

    private let store: EventStore
    private let diagnoser: IncidentDiagnoser
    private let logger: Logger
    private var events: [EventRecord] = []
    private var samples: [ResourceSample] = []
    /// Rows taken from the queues by the transaction under way (they count against the capacities).
    private var eventsInFlight = 0
    private var samplesInFlight = 0
    /// When the oldest queued sample was queued.
    private var samplesQueuedAt: ContinuousClock.Instant?
    private var pendingGap: EventRecord.Gap?
    private var failure: String?
    private var wakeUp: CheckedContinuation<Void, Never>?
    private var finishing = false
    /// The lowest `seq` committed whose incidents are not diagnosed yet.
    private var undiagnosed: Int64?
    private var diagnosisWakeUp: CheckedContinuation<Void, Never>?
    private var committing = true
    private let transactions = DispatchQueue(label: "blackbox.store-writer")
    private let diagnoses = DispatchQueue(label: "blackbox.diagnosis")
    /// Events queued so far and events committed (or given up) so far, for ``flush()``.
    private var queued = 0
    private var settled = 0
    private var flushes: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []
    private var deadline: ContinuousClock.Instant?
    private static let batchSize = 2_000

    init(store: EventStore, diagnoser: IncidentDiagnoser, logger: Logger, capacity: Int = 50_000, sampleCapacity: Int = 200_000,
         retryInterval: Duration = .seconds(1)) {
        self.store = store
        self.diagnoser = diagnoser
        self.logger = logger
        self.capacity = capacity
        self.sampleCapacity = sampleCapacity
        self.retryInterval = retryInterval
    }

    /// Queues an event; it is committed with the next transaction.
    func write(_ event: EventRecord) {
        guard events.count + eventsInFlight < capacity else { return drop(events: 1, samples: 0, at: event.timeNanos) }
        events.append(event)
        queued += 1
        wake()
    }

    /// Queues samples; they are committed with the next transaction.
    func write(samples new: [ResourceSample]) {
        let room = max(0, sampleCapacity - samples.count - samplesInFlight)
        if samples.isEmpty, room > 0, !new.isEmpty { samplesQueuedAt = ContinuousClock.now }
        samples.append(contentsOf: new.prefix(room))
        if new.count > room, let time = new.last?.timeNanos { drop(events: 0, samples: new.count - room, at: time) }
        wake()
    }

    /// Returns once every event queued before the call is committed, or at once while the store cannot be written
    /// (then readers see the store as it is).
    func flush() async {
        guard settled < queued, failure == nil else { return }
        let target = queued
        await withCheckedContinuation { flushes.append((target, $0)) }
    }

    /// Rows queued and not yet committed.
    var pending: (events: Int, samples: Int) { (events.count + eventsInFlight, samples.count + samplesInFlight) }

    /// Commits queued rows and diagnoses the incidents they touch until ``finish(within:)`` is called and the queue is
    /// empty (or its deadline passed).
    ///
    /// - Throws: ``StoreError/notWritable(path:reason:)`` when it gave up with rows not stored (the store could not be
    ///   written until the deadline), saying how many.
    func run() async throws {
        async let diagnosing: Void = diagnoseUntilDone()
        do {
            try await commitUntilDone()
        } catch {
            stopDiagnosing()
            await diagnosing
            throw error
        }
        stopDiagnosing()
        await diagnosing
    }

    private func commitUntilDone() async throws {
        while true {
            if events.isEmpty && samples.isEmpty && pendingGap == nil {
                if finishing { return }
                await withCheckedContinuation { wakeUp = $0 }
                continue
            }
            if await commitBatch() { continue }
            if let deadline, ContinuousClock.now >= deadline {
                logger.error(
                    "giving up: rows observed but not stored",
                    metadata: ["store.path": "\(store.path)", "events": "\(events.count)", "samples": "\(samples.count)", "reason": "\(failure ?? "")"])
                resumeFlushes(all: true)
                throw StoreError.notWritable(
                    path: store.path,
                    reason: "\(failure ?? "unknown"); \(events.count) events and \(samples.count) samples observed at the end were not stored")
            }
            try? await Task.sleep(for: finishing ? min(retryInterval, .milliseconds(200)) : retryInterval)
        }
    }

    /// Asks ``run()`` to commit what is queued and return; after `limit`, it returns even if the store still fails.
    func finish(within limit: Duration) {
        finishing = true
        deadline = ContinuousClock.now + limit
        wake()
    }

    /// A transaction of queued events (after a pending gap row) or, when no event waits, one of samples; false when
    /// the store failed, and then the rows are queued again in front.
    private func commitBatch() async -> Bool {
        let store = self.store
        do {
            if let gap = pendingGap {
                pendingGap = nil
                do {
                    _ = try await transactions.perform { try store.append(.recorderGap(gap)) }
                } catch {
                    addToPendingGap(gap)
                    throw error
                }
                logger.warning(
                    "rows were dropped while the store could not be written; recorded as a gap",
                    metadata: ["events": "\(gap.droppedEvents ?? 0)", "samples": "\(gap.droppedSamples ?? 0)"])
            }
            if !events.isEmpty {
                try await commitEvents()
            }
            if !samples.isEmpty, events.isEmpty || samplesQueuedAt.map({ ContinuousClock.now - $0 >= Self.sampleDelay }) == true {
                try await commitSamples()
            }
            if let reason = failure {
                logger.notice("writing to the store again", metadata: ["store.path": "\(store.path)", "after": "\(reason)"])
                failure = nil
            }
            return true
        } catch {
            let reason = if case StoreError.notWritable(_, let reason) = error { reason } else { "\(error)" }
            if failure == nil {
                logger.error(
                    "cannot write to the store; keeping rows in memory and retrying",
                    metadata: [
                        "store.path": "\(store.path)", "reason": "\(reason)", "buffer.events": "\(capacity)",
                        "buffer.samples": "\(sampleCapacity)", "retry": "\(retryInterval)",
                    ])
            }
            failure = reason
            resumeFlushes(all: true)
            return false
        }
    }

    /// One transaction of up to ``batchSize`` queued events; the incidents they touch are diagnosed next.
    private func commitEvents() async throws {
        let store = self.store
        let batch = Array(events.prefix(Self.batchSize))
        events.removeFirst(batch.count)
        eventsInFlight = batch.count
        defer { eventsInFlight = 0 }
        let stored: [Int64?]
        do {
            stored = try await transactions.perform { try store.append(contentsOf: batch) }
        } catch {
            events.insert(contentsOf: batch, at: 0)
            throw error
        }
        settled += batch.count
        resumeFlushes(all: false)
        if let first = stored.lazy.compactMap({ $0 }).first {
            undiagnosed = min(undiagnosed ?? first, first)
            diagnosisWakeUp?.resume()
            diagnosisWakeUp = nil
        }
    }

    /// One transaction of up to ten ``batchSize`` queued samples.
    private func commitSamples() async throws {
        let store = self.store
        let batch = Array(samples.prefix(Self.batchSize * 10))
        samples.removeFirst(batch.count)
        samplesInFlight = batch.count
        let queuedAt = samplesQueuedAt
        samplesQueuedAt = samples.isEmpty ? nil : ContinuousClock.now
        defer { samplesInFlight = 0 }
        do {
            try await transactions.perform { try store.append(samples: batch) }
        } catch {
            samples.insert(contentsOf: batch, at: 0)
            samplesQueuedAt = queuedAt
            throw error
        }
    }

    /// Re-diagnoses the incidents that committed events opened or grew, so `incident show` is current at once: all
    /// the incidents touched since the last round, each once. Ends when the commits have ended and nothing waits.
    private func diagnoseUntilDone() async {
        let diagnoser = self.diagnoser
        do {
            // What a stopped import, replay or recorder left undiagnosed, first.
            _ = try await diagnoses.perform { try diagnoser.diagnoseUndiagnosed() }
        } catch {
            logger.warning("cannot diagnose an incident", metadata: ["error": "\(error.localizedDescription)"])
        }
        while true {
            guard let from = undiagnosed else {
                if !committing { return }
                await withCheckedContinuation { diagnosisWakeUp = $0 }
                continue
            }
            undiagnosed = nil
            do {
                _ = try await diagnoses.perform { try diagnoser.diagnose(touchedSince: from) }
            } catch {
                logger.warning("cannot diagnose an incident", metadata: ["error": "\(error.localizedDescription)"])
            }
        }
    }

    private func stopDiagnosing() {
        committing = false
        diagnosisWakeUp?.resume()
        diagnosisWakeUp = nil
    }

    /// Adds `gap` to the pending gap row: rows just dropped, or a gap row whose transaction failed (put back, merged
    /// with what was dropped meanwhile).
    private func addToPendingGap(_ gap: EventRecord.Gap) {
        pendingGap = pendingGap.map { $0.merged(with: gap) } ?? gap
    }

    private func drop(events droppedEvents: Int, samples droppedSamples: Int, at time: Int64) {
        if pendingGap == nil {
            logger.error("the write buffer is full; dropping new rows until the store can be written", metadata: ["store.path": "\(store.path)"])
        }
        let gap = EventRecord.Gap(
            reason: "write_buffer_overflow", fromNanos: time, untilNanos: time, droppedEvents: droppedEvents, droppedSamples: droppedSamples)
        addToPendingGap(gap)
    }

    private func resumeFlushes(all: Bool) {
        let ready = flushes.filter { all || $0.target <= settled }
        flushes.removeAll { all || $0.target <= settled }
        for flush in ready { flush.continuation.resume() }
    }

    private func wake() {
        wakeUp?.resume()
        wakeUp = nil
    }
}
