import BlackboxStore
import DockerEngine

/// When a resource of a running container is under pressure (``PressureDetector``): a ratio at or above `start`
/// for `samplesToStart` consecutive samples begins an episode, one below `end` for `samplesToEnd` consecutive samples
/// ends it. The gap between the two thresholds is the hysteresis: a working set hovering at 89–91 % of its limit
/// is one episode, not one per sample.
public struct PressurePolicy: Sendable, Equatable {
    /// Working set ÷ memory limit.
    public var memoryStart: Double
    public var memoryEnd: Double
    /// Throttled CFS periods ÷ periods elapsed, with a CPU quota set.
    public var cpuStart: Double
    public var cpuEnd: Double
    /// Tasks ÷ `pids.max`.
    public var pidsStart: Double
    public var pidsEnd: Double
    /// Bytes used ÷ size of the fullest filesystem the container writes (`df`'s Use%).
    public var diskStart: Double
    public var diskEnd: Double
    public var samplesToStart: Int
    public var samplesToEnd: Int

    /// The defaults: memory ≥ 90 % (ends < 80 %), CPU throttled in ≥ 50 % of periods (ends < 10 %), pids ≥ 90 %
    /// (ends < 80 %), a filesystem ≥ 95 % full (ends < 90 %), each for 3 consecutive samples (6 s at the default 2 s
    /// interval).
    public init(
        memoryStart: Double = 0.9, memoryEnd: Double = 0.8, cpuStart: Double = 0.5, cpuEnd: Double = 0.1, pidsStart: Double = 0.9,
        pidsEnd: Double = 0.8, diskStart: Double = 0.95, diskEnd: Double = 0.9, samplesToStart: Int = 3, samplesToEnd: Int = 3
    ) {
        self.memoryStart = memoryStart
        self.memoryEnd = memoryEnd
        self.cpuStart = cpuStart
        self.cpuEnd = cpuEnd
        self.pidsStart = pidsStart
        self.pidsEnd = pidsEnd
        self.diskStart = diskStart
        self.diskEnd = diskEnd
        self.samplesToStart = samplesToStart
        self.samplesToEnd = samplesToEnd
    }

    func thresholds(_ resource: EventRecord.Pressure.Resource) -> (start: Double, end: Double) {
        switch resource {
        case .memory: (memoryStart, memoryEnd)
        case .cpu: (cpuStart, cpuEnd)
        case .pids: (pidsStart, pidsEnd)
        case .disk: (diskStart, diskEnd)
        }
    }
}

/// The limits a container's samples are judged against, and the files its values come from.
public struct PressureLimits: Sendable, Equatable {
    /// `HostConfig.Memory` in bytes; nil when unlimited (the sample's limit is then the host's memory).
    public var memoryBytes: Int64?
    /// The CPU quota in CPUs (`--cpus`, or `CpuQuota/CpuPeriod`); nil when unlimited (nothing throttles).
    public var cpus: Double?
    /// The CFS period, nanoseconds (`CpuPeriod`, default 100 ms).
    public var cpuPeriodNanos: Int64
    /// `pids.max` of the container's cgroup (`--pids-limit`); nil when unlimited or not read (stats-API sampler).
    public var pids: Int64?
    /// Where each resource's value is read (kernel files, or `stats API`).
    public var sources: [EventRecord.Pressure.Resource: String]

    public init(memoryBytes: Int64?, cpus: Double?, cpuPeriodNanos: Int64, pids: Int64?, sources: [EventRecord.Pressure.Resource: String]) {
        self.memoryBytes = memoryBytes
        self.cpus = cpus
        self.cpuPeriodNanos = cpuPeriodNanos
        self.pids = pids
        self.sources = sources
    }

    /// The limits of a container's configuration; `pids` read from its cgroup, `paths` nil for the stats-API sampler.
    public init(_ hostConfig: ContainerInspect.HostConfig, pids: Int64?, paths: CgroupPaths?) {
        let period = hostConfig.nanoCPUs > 0 || hostConfig.cpuPeriod <= 0 ? 100_000 : hostConfig.cpuPeriod
        var sources: [EventRecord.Pressure.Resource: String] = [:]
        switch paths {
        case .v1(let memory, let cpu, _, let pidsDirectory, _):
            sources = [
                .memory: "\(memory)/memory.usage_in_bytes", .cpu: "\(cpu)/cpu.stat",
                .pids: "\(pidsDirectory)/pids.current",
            ]
        case .v2(let directory):
            sources = [.memory: "\(directory)/memory.current", .cpu: "\(directory)/cpu.stat", .pids: "\(directory)/pids.current"]
        case nil:
            sources = [.memory: "stats API", .cpu: "stats API", .pids: "stats API"]
        }
        self.init(
            memoryBytes: hostConfig.memoryBytes > 0 ? hostConfig.memoryBytes : nil, cpus: hostConfig.cpuLimit, cpuPeriodNanos: period * 1000,
            pids: pids.flatMap { $0 > 0 ? $0 : nil }, sources: sources)
    }
}
