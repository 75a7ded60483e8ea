import DockerEngine

extension EventRecord {
    /// A kernel OOM kill in a container's memory cgroup: its OOM-kill counter rose from `before` to `after`.
    ///
    /// Stamped with the reading that saw the rise and keyed by the container's run (`startedNanos`, its
    /// `State.StartedAt`: the cgroup's counters start at zero with each start) and the counter's new value, so the same
    /// rise seen by a sample and by the read at `die` is stored once.
    public static func kernelOOM(_ rise: KernelOOM, of inspect: ContainerInspect, timeNanos: Int64) -> EventRecord {
        EventRecord(
            timeNanos: timeNanos, kind: .kernelOOM, containerID: inspect.id, containerName: inspect.name, image: inspect.config.image,
            composeProject: inspect.config.labels[ComposeLabel.project], composeService: inspect.config.labels[ComposeLabel.service],
            deduplicationKey: "kernel_oom|\(inspect.id)|\(rise.startedNanos)|\(rise.oomKillsAfter)", payload: json(rise))
    }

    /// The `kernel_oom` payload: the cgroup's counters before and after the rise (``OOMCounters``) and where they came from.
    public struct KernelOOM: Codable, Sendable, Equatable {
        /// Processes OOM-killed in the cgroup since the container's start: at the previous reading, and now.
        public var oomKillsBefore: UInt64
        public var oomKillsAfter: UInt64
        /// OOM events (cgroup v2 `memory.events` `oom`; nil on v1), before and after.
        public var oomsBefore: UInt64?
        public var oomsAfter: UInt64?
        /// Times usage hit the limit (v1 `memory.failcnt`, v2 `memory.events` `max`), before and after.
        public var memoryLimitHitsBefore: UInt64
        public var memoryLimitHitsAfter: UInt64
        /// The kernel file the kill counter was read from, and the cgroup version (`v1`, `v2`).
        public var file: String
        public var cgroup: String
        /// Which reading saw the rise: `sample` (a periodic sample while the container ran) or `die` (the read at its `die`).
        public var readAt: String
        /// The container's `State.StartedAt` for the run, Unix nanoseconds.
        public var startedNanos: Int64

        public init(before: OOMCounters, after: OOMCounters, cgroup: String, readAt: String, startedNanos: Int64) {
            oomKillsBefore = before.kills
            oomKillsAfter = after.kills
            oomsBefore = before.ooms
            oomsAfter = after.ooms
            memoryLimitHitsBefore = before.limitHits
            memoryLimitHitsAfter = after.limitHits
            file = after.file
            self.cgroup = cgroup
            self.readAt = readAt
            self.startedNanos = startedNanos
        }

        enum CodingKeys: String, CodingKey {
            case file, cgroup
            case oomKillsBefore = "oom_kills_before"
            case oomKillsAfter = "oom_kills_after"
            case oomsBefore = "ooms_before"
            case oomsAfter = "ooms_after"
            case memoryLimitHitsBefore = "mem_limit_hits_before"
            case memoryLimitHitsAfter = "mem_limit_hits_after"
            case readAt = "read_at"
            case startedNanos = "started_ns"
        }
    }
}
