import GRDB

/// A stretch of one container's samples to summarize: Unix nanoseconds, inclusive at both ends.
public struct SampleRun: Sendable, Equatable {
    public var containerID: String
    public var fromNanos: Int64
    public var untilNanos: Int64
    /// A working set in bytes whose first reaching is wanted (``SampleRunSummary/firstReaching``); nil for none.
    public var workingSetThreshold: Double?
    /// The memory limit the run ran under (`HostConfig.Memory`, bytes); nil when it had none or it is unknown.
    public var memoryLimitBytes: Int64?

    public init(containerID: String, fromNanos: Int64, untilNanos: Int64, workingSetThreshold: Double? = nil, memoryLimitBytes: Int64? = nil) {
        self.containerID = containerID
        self.fromNanos = fromNanos
        self.untilNanos = untilNanos
        self.workingSetThreshold = workingSetThreshold
        self.memoryLimitBytes = memoryLimitBytes
    }
}

/// One sample's time (Unix nanoseconds) and working set (bytes).
public struct WorkingSetReading: Sendable, Equatable {
    public var timeNanos: Int64
    public var workingSetBytes: Int64

    public init(timeNanos: Int64, workingSetBytes: Int64) {
        self.timeNanos = timeNanos
        self.workingSetBytes = workingSetBytes
    }
}

/// Consecutive samples whose cumulative throttled-period counter grew from each one to the next.
public struct ThrottleStretch: Sendable, Equatable {
    /// The sample before the first growth, Unix nanoseconds.
    public var fromNanos: Int64
    /// The last sample that grew, Unix nanoseconds.
    public var untilNanos: Int64
    /// CFS periods throttled over the stretch.
    public var periods: Int64

    public init(fromNanos: Int64, untilNanos: Int64, periods: Int64) {
        self.fromNanos = fromNanos
        self.untilNanos = untilNanos
        self.periods = periods
    }
}

/// What is notable in a ``SampleRun`` that holds samples.
public struct SampleRunSummary: Sendable, Equatable {
    public var run: SampleRun
    /// Samples in the run.
    public var count: Int
    /// The highest working set; the earliest sample of equal ones.
    public var peak: WorkingSetReading
    /// The first sample whose working set is at least the run's threshold; nil when none is, or none was asked.
    public var firstReaching: WorkingSetReading?
    /// Oldest first.
    public var throttling: [ThrottleStretch]

    public init(run: SampleRun, count: Int, peak: WorkingSetReading, firstReaching: WorkingSetReading?, throttling: [ThrottleStretch]) {
        self.run = run
        self.count = count
        self.peak = peak
        self.firstReaching = firstReaching
        self.throttling = throttling
    }
}

extension EventStore {
    /// Summaries of the runs that hold samples, in the order asked; runs without samples are left out.
    ///
    /// Computed over the samples' clustered key `(container_key, ts_ns)` without loading sample rows: one aggregate
    /// per run, short reads in time order for the peak and the threshold, and, only when the throttled-period counter
    /// changed in the run, one pass over its times and counter values.
    ///
    /// - Throws: ``StoreError/cannotRead(path:reason:)`` when the store cannot be read.
    public func summaries(of runs: [SampleRun]) throws -> [SampleRunSummary] {
        try read { db in
            var keys: [String: Int64?] = [:]
            var summaries: [SampleRunSummary] = []
            for run in runs {
                if keys[run.containerID] == nil {
                    keys[run.containerID] = try Int64.fetchOne(db, sql: "SELECT key FROM container_keys WHERE container_id = ?", arguments: [run.containerID])
                }
                guard let key = keys[run.containerID] ?? nil, let summary = try Self.summary(of: run, key: key, db) else { continue }
                summaries.append(summary)
            }
            return summaries
        }
    }

    private static func summary(of run: SampleRun, key: Int64, _ db: Database) throws -> SampleRunSummary? {
        let range: StatementArguments = [key, run.fromNanos, run.untilNanos]
        let inRun = "container_key = ? AND ts_ns BETWEEN ? AND ?"
        guard
            let totals = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*) AS count, max(mem_working_set_bytes) AS peak,
                        min(cpu_throttled_periods) AS least_throttled, max(cpu_throttled_periods) AS most_throttled
                    FROM samples WHERE \(inRun)
                    """,
                arguments: range),
            let peakBytes = totals["peak"] as Int64?,
            let peakTime = try Int64.fetchOne(
                db, sql: "SELECT ts_ns FROM samples WHERE \(inRun) AND mem_working_set_bytes = ? ORDER BY ts_ns LIMIT 1", arguments: range + [peakBytes])
        else { return nil }
        var firstReaching: WorkingSetReading?
        if let threshold = run.workingSetThreshold, Double(peakBytes) >= threshold {
            firstReaching = try Row.fetchOne(
                db, sql: "SELECT ts_ns, mem_working_set_bytes FROM samples WHERE \(inRun) AND mem_working_set_bytes >= ? ORDER BY ts_ns LIMIT 1",
                arguments: range + [threshold]
            ).map { WorkingSetReading(timeNanos: $0["ts_ns"], workingSetBytes: $0["mem_working_set_bytes"]) }
        }
        let throttled = (totals["most_throttled"] as Int64) > (totals["least_throttled"] as Int64)
        return SampleRunSummary(
            run: run, count: totals["count"], peak: WorkingSetReading(timeNanos: peakTime, workingSetBytes: peakBytes), firstReaching: firstReaching,
            throttling: throttled ? try throttleStretches(range, db) : [])
    }

    /// Reads only the time and the counter of each sample, through a cursor (measured on a day of 2 s samples: a
    /// third of the time SQLite's window functions take for the same stretches).
    private static func throttleStretches(_ range: StatementArguments, _ db: Database) throws -> [ThrottleStretch] {
        var stretches: [ThrottleStretch] = []
        var open: ThrottleStretch?
        var previous: (time: Int64, periods: Int64)?
        let rows = try Row.fetchCursor(
            db, sql: "SELECT ts_ns, cpu_throttled_periods FROM samples WHERE container_key = ? AND ts_ns BETWEEN ? AND ? ORDER BY ts_ns", arguments: range)
        while let row = try rows.next() {
            let time: Int64 = row[0]
            let periods: Int64 = row[1]
            if let previous {
                let grown = periods - previous.periods
                if grown > 0 {
                    open = open ?? ThrottleStretch(fromNanos: previous.time, untilNanos: previous.time, periods: 0)
                    open?.periods += grown
                    open?.untilNanos = time
                } else if let stretch = open {
                    stretches.append(stretch)
                    open = nil
                }
            }
            previous = (time, periods)
        }
        if let open { stretches.append(open) }
        return stretches
    }
}
