import BlackboxStore
import DockerEngine
import Foundation
import Logging

extension Recorder {
    /// Prunes the store by ``RecorderConfiguration/retention`` a minute after start, then every
    /// ``RecorderConfiguration/pruneInterval``, until cancelled.
    func pruneUntilCancelled() async {
        var delay = Duration.seconds(60)
        while true {
            do {
                try await Task.sleep(for: delay)
            } catch {
                return
            }
            delay = configuration.pruneInterval
            await pruneOnce()
        }
    }

    /// One prune on a thread of its own: it blocks, and pauses between its batches to let the writer in, so it stays
    /// off the cooperative pool. A shutdown does not wait for it: each batch is its own transaction.
    private func pruneOnce() async {
        let (store, policy, now) = (self.store, configuration.retention, Timestamp.nowNanos())
        let outcome = OneShot<Result<PruneReport, any Error>>()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                outcome.onResult { continuation.resume(returning: $0) }
                Thread.detachNewThread { outcome.deliver(Result { try store.prune(policy: policy, now: now) }) }
            }
        } onCancel: {
            outcome.deliver(.failure(CancellationError()))
        }
        switch result {
        case .success(let report) where report.isEmpty:
            logger.debug("pruned: nothing older than the retention periods")
        case .success(let report):
            logger.info(
                "pruned the store",
                metadata: [
                    "samples.rolled_up": "\(report.samplesRolledUp)", "samples.deleted": "\(report.samplesDeleted)",
                    "rollups.deleted": "\(report.rollupsDeleted)", "events.deleted": "\(report.eventsDeleted)",
                    "incidents.deleted": "\(report.incidentsDeleted)",
                ])
        case .failure(is CancellationError):
            break
        case .failure(let error):
            logger.error("cannot prune the store", metadata: ["store.path": "\(store.path)", "error": "\(error.localizedDescription)"])
        }
    }
}

/// A value delivered once, to a handler set once; whichever comes second runs the handler, later deliveries are ignored.
private final class OneShot<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?
    private var handler: (@Sendable (Value) -> Void)?
    private var done = false

    func onResult(_ handler: @escaping @Sendable (Value) -> Void) {
        let ready: Value? = lock.withLock {
            guard !done else { return nil }
            if let value {
                done = true
                return value
            }
            self.handler = handler
            return nil
        }
        if let ready { handler(ready) }
    }

    func deliver(_ value: Value) {
        let ready: (@Sendable (Value) -> Void)? = lock.withLock {
            guard !done, self.value == nil else { return nil }
            guard let handler else {
                self.value = value
                return nil
            }
            done = true
            return handler
        }
        ready?(value)
    }
}
