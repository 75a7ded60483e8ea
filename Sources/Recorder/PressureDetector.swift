import BlackboxStore
import DockerEngine

/// Decides, sample by sample, when a running container's memory, CPU, pids or disk come under pressure and when that
/// pressure ends. Pure: it holds one container's run and returns the transitions; the recorder appends each as a
/// `memory_pressure`, `cpu_pressure`, `pids_pressure` or `disk_pressure` row (``EventRecord/Pressure``).
///
/// One transition when an episode starts, one when it ends, never one per sample (``PressurePolicy``). A resource
/// without a limit is never under pressure. CPU is judged from the rise of the throttled-periods counter between
/// two samples over the CFS periods elapsed in between, so its first sample decides nothing. Disk is the fullest of
/// the filesystems the container writes (``FilesystemUsage``), judged by `df`'s Use%.
public struct PressureDetector: Sendable {
    public let policy: PressurePolicy
    /// The container's `State.StartedAt`, Unix nanoseconds: it keys the rows of this run.
    public let startedNanos: Int64
    private var tracks: [EventRecord.Pressure.Resource: Track] = [:]
    private var previous: ResourceSample?

    /// One resource's state: in an episode or not, and the run of consecutive samples toward the other state.
    private struct Track {
        var active = false
        var since: Int64 = 0
        var peak: Double = 0
        var streak = 0
        var streakFrom: Int64 = 0
        var streakThrottled: Int64 = 0
        var streakPeriods: Int64 = 0
    }

    /// One resource's reading in a sample.
    private struct Reading {
        var value: Double
        var limit: Double
        var ratio: Double
        var throttled: Int64?
        var periods: Int64?
        var mount: EventRecord.Pressure.Mount?
    }

    public init(policy: PressurePolicy = PressurePolicy(), startedNanos: Int64) {
        self.policy = policy
        self.startedNanos = startedNanos
    }

    /// Takes up episodes of this run that an earlier recorder opened and did not end (``EventStore/openPressureEpisodes``):
    /// they end with an `end` row when the pressure is gone, instead of staying open, and pressure that persists is
    /// not started a second time.
    public mutating func resume(_ episodes: [EventRecord.Pressure]) {
        for episode in episodes where episode.startedNanos == startedNanos && episode.phase == .start {
            var track = Track()
            track.active = true
            track.since = episode.sinceNanos
            track.peak = episode.peakRatio
            tracks[episode.resource] = track
        }
    }

    /// Judges one sample (samples in time order) against the limits, with the usage of the filesystems the container
    /// writes read at the same time (empty when not read); returns the transitions it causes, in the order memory,
    /// CPU, pids, disk.
    public mutating func observe(_ sample: ResourceSample, limits: PressureLimits, filesystems: [FilesystemUsage] = []) -> [EventRecord.Pressure] {
        var changes: [EventRecord.Pressure] = []
        for resource in EventRecord.Pressure.Resource.allCases {
            guard let reading = reading(resource, sample, limits, filesystems) else {
                if tracks[resource]?.active == false { tracks[resource]?.streak = 0 }
                continue
            }
            if let change = step(resource, reading, at: sample.timeNanos, sample: sample, limits: limits) { changes.append(change) }
        }
        previous = sample
        let active = EventRecord.Pressure.Resource.allCases.filter { tracks[$0]?.active == true }
        return changes.map { change in
            var change = change
            change.active = active
            return change
        }
    }

    private func reading(
        _ resource: EventRecord.Pressure.Resource, _ sample: ResourceSample, _ limits: PressureLimits, _ filesystems: [FilesystemUsage]
    ) -> Reading? {
        switch resource {
        case .memory:
            guard let configured = limits.memoryBytes else { return nil }
            let limit = Double(sample.memoryLimitBytes > 0 ? sample.memoryLimitBytes : configured)
            return Reading(value: Double(sample.memoryWorkingSetBytes), limit: limit, ratio: Double(sample.memoryWorkingSetBytes) / limit)
        case .cpu:
            guard let cpus = limits.cpus, let previous, sample.timeNanos > previous.timeNanos, limits.cpuPeriodNanos > 0 else { return nil }
            // The periods elapsed, to the nearest: samples are not exactly an interval apart.
            let periods = max(1, (sample.timeNanos - previous.timeNanos + limits.cpuPeriodNanos / 2) / limits.cpuPeriodNanos)
            let throttled = max(0, sample.cpuThrottledPeriods - previous.cpuThrottledPeriods)
            let ratio = min(1, Double(throttled) / Double(periods))
            return Reading(value: ratio, limit: cpus, ratio: ratio, throttled: throttled, periods: periods)
        case .pids:
            guard let limit = limits.pids else { return nil }
            return Reading(value: Double(sample.pids), limit: Double(limit), ratio: Double(sample.pids) / Double(limit))
        case .disk:
            guard let fullest = filesystems.max(by: { $0.ratio < $1.ratio }) else { return nil }
            return Reading(value: Double(fullest.usedBytes), limit: Double(fullest.sizeBytes), ratio: fullest.ratio, mount: fullest.mount)
        }
    }

    private mutating func step(
        _ resource: EventRecord.Pressure.Resource, _ reading: Reading, at time: Int64, sample: ResourceSample, limits: PressureLimits
    ) -> EventRecord.Pressure? {
        var track = tracks[resource] ?? Track()
        defer { tracks[resource] = track }
        let (start, end) = policy.thresholds(resource)
        let toward = track.active ? reading.ratio < end : reading.ratio >= start
        if track.active { track.peak = max(track.peak, reading.ratio) }
        guard toward else {
            track.streak = 0
            track.streakThrottled = 0
            track.streakPeriods = 0
            return nil
        }
        if track.streak == 0 { track.streakFrom = time }
        track.streak += 1
        track.streakThrottled += reading.throttled ?? 0
        track.streakPeriods += reading.periods ?? 0
        if !track.active { track.peak = max(track.streak == 1 ? 0 : track.peak, reading.ratio) }
        guard track.streak >= (track.active ? policy.samplesToEnd : policy.samplesToStart) else { return nil }
        let phase: EventRecord.Pressure.Phase = track.active ? .end : .start
        if !track.active { track.since = track.streakFrom }
        let change = EventRecord.Pressure(
            resource: resource, phase: phase, value: reading.value, limit: reading.limit, ratio: reading.ratio,
            threshold: phase == .start ? start : end, peakRatio: track.peak, samples: track.streak, windowNanos: time - track.streakFrom,
            sinceNanos: track.since, throttledPeriods: reading.throttled.map { _ in track.streakThrottled },
            periods: reading.periods.map { _ in track.streakPeriods }, cpuPercentOfLimit: resource == .cpu ? sample.cpuPercentOfLimit : nil,
            source: reading.mount == nil ? limits.sources[resource] ?? "" : "statvfs", mount: reading.mount, active: [], startedNanos: startedNanos)
        track.active.toggle()
        track.streak = 0
        track.streakThrottled = 0
        track.streakPeriods = 0
        if !track.active { track.peak = 0 }
        return change
    }
}
