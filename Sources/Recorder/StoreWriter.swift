import BlackboxStore
import DockerEngine
import Logging
import Playbooks

/// The recorder's one path to the store. Events and samples are queued and committed by group commit: whatever
/// arrived while one transaction ran goes into the next, so in a burst the time from receipt to commit stays about
/// one transaction long, and a quiet recorder commits each event at once.
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

    private let store: EventStore
    private let diagnoser: IncidentDiagnoser
    private let logger: Logger
    private var events: [EventRecord] = []
    private var samples: [ResourceSample] = []
    private var dropped: EventRecord.Gap?
    private var failure: String?
    private var wakeUp: CheckedContinuation<Void, Never>?
    private var finishing = false
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
        guard events.count < capacity else { return drop(events: 1, samples: 0, at: event.timeNanos) }
        events.append(event)
        queued += 1
        wake()
    }

    /// Queues samples; they are committed with the next transaction.
    func write(samples new: [ResourceSample]) {
        let room = max(0, sampleCapacity - samples.count)
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
    var pending: (events: Int, samples: Int) { (events.count, samples.count) }

    /// Commits queued rows until ``finish(within:)`` is called and the queue is empty (or its deadline passed).
    ///
    /// - Throws: ``StoreError/notWritable(path:reason:)`` when it gave up with rows not stored (the store could not be
    ///   written until the deadline), saying how many.
    func run() async throws {
        while true {
            if events.isEmpty && samples.isEmpty && dropped == nil {
                if finishing { return }
                await withCheckedContinuation { wakeUp = $0 }
                continue
            }
            if commitBatch() { continue }
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

    /// One transaction of events and one of samples; false when the store failed.
    private func commitBatch() -> Bool {
        do {
            if let gap = dropped {
                try store.append(.recorderGap(gap))
                logger.warning(
                    "rows were dropped while the store could not be written; recorded as a gap",
                    metadata: ["events": "\(gap.droppedEvents ?? 0)", "samples": "\(gap.droppedSamples ?? 0)"])
                dropped = nil
            }
            let batch = Array(events.prefix(Self.batchSize))
            let stored = try store.append(contentsOf: batch)
            events.removeFirst(batch.count)
            settled += batch.count
            let sampleBatch = Array(samples.prefix(Self.batchSize * 10))
            try store.append(samples: sampleBatch)
            samples.removeFirst(sampleBatch.count)
            if let reason = failure {
                logger.notice("writing to the store again", metadata: ["store.path": "\(store.path)", "after": "\(reason)"])
                failure = nil
            }
            diagnose(stored.compactMap { $0 })
            resumeFlushes(all: false)
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

    /// Re-diagnoses the incidents that the stored events opened or grew, so `incident show` is current at once.
    private func diagnose(_ seqs: [Int64]) {
        for seq in seqs {
            do {
                try diagnoser.diagnose(touchedBy: seq)
            } catch {
                logger.warning("cannot diagnose an incident", metadata: ["error": "\(error.localizedDescription)"])
            }
        }
    }

    private func drop(events droppedEvents: Int, samples droppedSamples: Int, at time: Int64) {
        var gap = dropped ?? EventRecord.Gap(reason: "write_buffer_overflow", fromNanos: time, untilNanos: time, droppedEvents: 0, droppedSamples: 0)
        gap.fromNanos = min(gap.fromNanos, time)
        gap.untilNanos = max(gap.untilNanos, time)
        gap.droppedEvents = (gap.droppedEvents ?? 0) + droppedEvents
        gap.droppedSamples = (gap.droppedSamples ?? 0) + droppedSamples
        if dropped == nil {
            logger.error("the write buffer is full; dropping new rows until the store can be written", metadata: ["store.path": "\(store.path)"])
        }
        dropped = gap
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
