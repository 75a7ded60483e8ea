import BlackboxStore
import DockerEngine
import Playbooks

/// When error lines in a running container's logs are a burst (``ErrorBurstDetector``), and how the logs are followed.
public struct ErrorBurstPolicy: Sendable, Equatable {
    /// Error lines (``ErrorLine/score(_:)`` above 0) that start a burst, within `windowNanos`.
    public var threshold: Int
    public var windowNanos: Int64
    /// A burst ends after this long without an error line, nanoseconds.
    public var quietNanos: Int64
    /// Error lines kept in the `start` row.
    public var keptLines: Int
    /// How often a followed container's new log lines are read, and at most how many per read (the cap: lines
    /// beyond it are not read; the burst counts such reads).
    public var pollInterval: Duration
    public var linesPerPoll: Int
    /// At most this many containers are followed at once; the others are not (said once in the log).
    public var maximumContainers: Int

    /// The defaults: 5 error lines within 10 s start a burst, 30 s without one end it; new lines read every 5 s, at
    /// most 200 a read (40 lines a second), of at most 32 containers.
    public init(
        threshold: Int = 5, windowNanos: Int64 = 10_000_000_000, quietNanos: Int64 = 30_000_000_000, keptLines: Int = 20,
        pollInterval: Duration = .seconds(5), linesPerPoll: Int = 200, maximumContainers: Int = 32
    ) {
        self.threshold = threshold
        self.windowNanos = windowNanos
        self.quietNanos = quietNanos
        self.keptLines = keptLines
        self.pollInterval = pollInterval
        self.linesPerPoll = linesPerPoll
        self.maximumContainers = maximumContainers
    }
}

/// Decides from a running container's new log lines when its error lines become a burst and when the burst is
/// over. Pure: it holds one container's run; lines come in time order, each judged by ``ErrorLine/score(_:)``.
/// One `start` when at least ``ErrorBurstPolicy/threshold`` error lines fall within the window (with the error
/// lines read in the same batch after them, up to ``ErrorBurstPolicy/keptLines``), one `end` after the quiet
/// period, never one per line. The lines it returns are not redacted yet: the recorder redacts them.
public struct ErrorBurstDetector: Sendable {
    public let policy: ErrorBurstPolicy
    public let startedNanos: Int64
    /// Error lines within the window of the latest one (before a burst).
    private var recent: [LogLine] = []
    private var burst: (since: Int64, last: Int64, count: Int)?
    private var cappedReads = 0

    public init(policy: ErrorBurstPolicy = ErrorBurstPolicy(), startedNanos: Int64) {
        self.policy = policy
        self.startedNanos = startedNanos
    }

    /// Judges the lines read since the last call (`capped`: the read returned as many lines as its cap, so some may be
    /// missing) at `nowNanos`; returns the transitions, at most one `start` and one `end`.
    public mutating func observe(_ lines: [LogLine], capped: Bool = false, nowNanos: Int64) -> [EventRecord.ErrorBurst] {
        var changes: [EventRecord.ErrorBurst] = []
        if capped { cappedReads += 1 }
        for line in lines where ErrorLine.score(line.text) > 0 {
            let time = line.timeNanos ?? nowNanos
            if var current = burst {
                current.last = time
                current.count += 1
                burst = current
                // The error lines read together with the one that started the burst belong to its row.
                if let index = changes.indices.last, changes[index].phase == .start, changes[index].lines.count < policy.keptLines {
                    changes[index].lines.append(line)
                    changes[index].errorLines += 1
                    changes[index].lastNanos = time
                    changes[index].mostInformative = ErrorLine.mostInformative(changes[index].lines)?.text
                }
                continue
            }
            recent.append(line)
            recent.removeAll { ($0.timeNanos ?? nowNanos) < time - policy.windowNanos }
            guard recent.count >= policy.threshold else { continue }
            let since = recent.first?.timeNanos ?? time
            let kept = Array(recent.suffix(policy.keptLines))
            changes.append(
                EventRecord.ErrorBurst(
                    phase: .start, errorLines: recent.count, threshold: policy.threshold, windowNanos: policy.windowNanos, sinceNanos: since,
                    lastNanos: time, lines: kept, redacted: nil, mostInformative: ErrorLine.mostInformative(kept)?.text, cappedReads: cappedReads,
                    startedNanos: startedNanos))
            burst = (since, time, recent.count)
            recent.removeAll()
        }
        if let current = burst, nowNanos - current.last >= policy.quietNanos {
            changes.append(
                EventRecord.ErrorBurst(
                    phase: .end, errorLines: current.count, threshold: policy.threshold, windowNanos: policy.windowNanos, sinceNanos: current.since,
                    lastNanos: current.last, lines: [], redacted: nil, mostInformative: nil, cappedReads: cappedReads, startedNanos: startedNanos))
            burst = nil
            cappedReads = 0
        }
        return changes
    }
}
