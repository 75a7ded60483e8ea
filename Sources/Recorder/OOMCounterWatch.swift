import DockerEngine

/// What the recorder knows of one container run's OOM counters, and whether a reading shows a new kernel OOM kill.
/// Pure: the recorder feeds it each reading (``observe(_:)``).
///
/// A cgroup's counters start at zero when the container starts, so a watch begun at the run's `start` compares the
/// first reading with zero (a kill before it is still a kill of this run); one begun later (the recorder started, or
/// reconnected, while the container ran) takes its first reading as the baseline, since it cannot tell when earlier
/// kills happened.
struct OOMCounterWatch: Sendable, Equatable {
    /// A rise of the OOM-kill counter between two readings.
    struct Rise: Sendable, Equatable {
        var before: OOMCounters
        var after: OOMCounters
    }

    /// The run, `State.StartedAt` (Unix nanoseconds).
    let startedNanos: Int64
    /// The latest counters read (or the zero baseline); nil before the first reading of a watch begun mid-run.
    private(set) var last: OOMCounters?

    /// - Parameter fromStart: whether the watch begins at the run's start (its counters are zero).
    init(startedNanos: Int64, fromStart: Bool) {
        self.startedNanos = startedNanos
        last = fromStart ? OOMCounters(kills: 0, ooms: nil, limitHits: 0, file: "") : nil
    }

    /// Takes a reading; returns the rise when the OOM-kill counter grew since the previous one. A counter that went
    /// down (a new cgroup under the same run, which the engine does not do) becomes the new baseline.
    mutating func observe(_ counters: OOMCounters) -> Rise? {
        defer { last = counters }
        guard var before = last, counters.kills > before.kills else { return nil }
        if before.file.isEmpty {
            // The zero baseline: the same counters as the reading, at zero.
            before = OOMCounters(kills: 0, ooms: counters.ooms.map { _ in 0 }, limitHits: 0, file: counters.file)
        }
        return Rise(before: before, after: counters)
    }
}
