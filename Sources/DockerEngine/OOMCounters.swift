/// A memory cgroup's out-of-memory counters, cumulative since the cgroup was created (the container's start): what
/// the kernel itself counts, whether or not the engine reports an `oom` event or `State.OOMKilled`.
///
/// | field | cgroup v1 | cgroup v2 |
/// |---|---|---|
/// | ``kills`` | `memory.oom_control` `oom_kill` (Linux ≥ 4.13) | `memory.events` `oom_kill` |
/// | ``ooms`` | — (nil) | `memory.events` `oom` |
/// | ``limitHits`` | `memory.failcnt` | `memory.events` `max` |
///
/// The stats API reports none of them, so a sampler that reads the stats API has no counters.
public struct OOMCounters: Sendable, Equatable, Codable {
    /// Processes the kernel's OOM killer killed in the cgroup.
    public var kills: UInt64
    /// Times the cgroup's usage reached its limit and the OOM killer was invoked (cgroup v2 only).
    public var ooms: UInt64?
    /// Times the cgroup's usage hit its limit (v1: a charge failed; v2: usage was about to go over `memory.max`).
    public var limitHits: UInt64
    /// The file ``kills`` was read from (`/sys/fs/cgroup/memory/docker/<id>/memory.oom_control`).
    public var file: String

    public init(kills: UInt64, ooms: UInt64?, limitHits: UInt64, file: String) {
        self.kills = kills
        self.ooms = ooms
        self.limitHits = limitHits
        self.file = file
    }
}
