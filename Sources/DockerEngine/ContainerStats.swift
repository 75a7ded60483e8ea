import Foundation

/// The raw counters of one `GET /containers/{id}/stats` reading (Engine API ≥ 1.41, cgroup v1 or v2).
///
/// Counters are cumulative; turning two readings into percentages is ``ResourceSample/init(containerID:current:previous:cpuLimit:)``.
public struct StatsReading: Sendable, Equatable {
    /// `read`: when the engine took the reading, Unix nanoseconds.
    public var readNanos: Int64
    /// `cpu_stats.cpu_usage.total_usage`: the container's CPU time, nanoseconds.
    public var cpuTotalNanos: UInt64
    /// `cpu_stats.system_cpu_usage`: the host's CPU time over all CPUs, nanoseconds.
    public var systemCPUNanos: UInt64
    /// `cpu_stats.online_cpus`.
    public var onlineCPUs: Int
    /// `cpu_stats.throttling_data.throttled_periods`: CFS periods in which the container was throttled.
    public var throttledPeriods: UInt64
    /// `memory_stats.usage`, bytes.
    public var memoryUsageBytes: UInt64
    /// Page cache that can be reclaimed: `stats.total_inactive_file` (cgroup v1) or `stats.inactive_file` (v2), bytes.
    public var inactiveFileBytes: UInt64
    /// `memory_stats.limit`, bytes (the host's memory when the container has no limit).
    public var memoryLimitBytes: UInt64
    /// `pids_stats.current`.
    public var pids: UInt64
    /// Sums over `networks.*`, bytes.
    public var networkRxBytes: UInt64
    public var networkTxBytes: UInt64
    /// Sums over `blkio_stats.io_service_bytes_recursive` entries with op `read` / `write` (any case), bytes.
    public var blockReadBytes: UInt64
    public var blockWriteBytes: UInt64
    /// The kernel's OOM counters of the container's memory cgroup; nil from the stats API, which has none.
    public var oom: OOMCounters?

    public init(
        readNanos: Int64, cpuTotalNanos: UInt64, systemCPUNanos: UInt64, onlineCPUs: Int, throttledPeriods: UInt64,
        memoryUsageBytes: UInt64, inactiveFileBytes: UInt64, memoryLimitBytes: UInt64, pids: UInt64,
        networkRxBytes: UInt64, networkTxBytes: UInt64, blockReadBytes: UInt64, blockWriteBytes: UInt64, oom: OOMCounters? = nil
    ) {
        self.readNanos = readNanos
        self.cpuTotalNanos = cpuTotalNanos
        self.systemCPUNanos = systemCPUNanos
        self.onlineCPUs = onlineCPUs
        self.throttledPeriods = throttledPeriods
        self.memoryUsageBytes = memoryUsageBytes
        self.inactiveFileBytes = inactiveFileBytes
        self.memoryLimitBytes = memoryLimitBytes
        self.pids = pids
        self.networkRxBytes = networkRxBytes
        self.networkTxBytes = networkTxBytes
        self.blockReadBytes = blockReadBytes
        self.blockWriteBytes = blockWriteBytes
        self.oom = oom
    }

    /// Decodes one stats document.
    ///
    /// - Throws: ``EngineError/decoding(path:reason:)`` when it is not a stats object.
    public static func decode(_ json: Data) throws -> StatsReading {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: json)
        } catch {
            throw EngineError.decoding(path: "/containers/{id}/stats", reason: String(describing: error))
        }
        let memoryStats = wire.memory_stats?.stats ?? [:]
        let blockIO = wire.blkio_stats?.io_service_bytes_recursive ?? []
        func blockBytes(_ op: String) -> UInt64 {
            blockIO.filter { $0.op?.lowercased() == op }.reduce(0) { $0 + ($1.value ?? 0) }
        }
        let cpu = wire.cpu_stats
        return StatsReading(
            readNanos: wire.read.flatMap(Timestamp.unixNanos(rfc3339:)) ?? 0,
            cpuTotalNanos: cpu?.cpu_usage?.total_usage ?? 0,
            systemCPUNanos: cpu?.system_cpu_usage ?? 0,
            onlineCPUs: cpu?.online_cpus ?? cpu?.cpu_usage?.percpu_usage?.count ?? 1,
            throttledPeriods: cpu?.throttling_data?.throttled_periods ?? 0,
            memoryUsageBytes: wire.memory_stats?.usage ?? 0,
            inactiveFileBytes: memoryStats["total_inactive_file"] ?? memoryStats["inactive_file"] ?? 0,
            memoryLimitBytes: wire.memory_stats?.limit ?? 0,
            pids: wire.pids_stats?.current ?? 0,
            networkRxBytes: wire.networks?.values.reduce(0) { $0 + ($1.rx_bytes ?? 0) } ?? 0,
            networkTxBytes: wire.networks?.values.reduce(0) { $0 + ($1.tx_bytes ?? 0) } ?? 0,
            blockReadBytes: blockBytes("read"),
            blockWriteBytes: blockBytes("write")
        )
    }

    private struct Wire: Decodable {
        struct CPUStats: Decodable {
            struct Usage: Decodable {
                let total_usage: UInt64?
                let percpu_usage: [UInt64]?
            }
            struct Throttling: Decodable {
                let throttled_periods: UInt64?
            }
            let cpu_usage: Usage?
            let system_cpu_usage: UInt64?
            let online_cpus: Int?
            let throttling_data: Throttling?
        }
        struct MemoryStats: Decodable {
            let usage: UInt64?
            let limit: UInt64?
            let stats: [String: UInt64]?
        }
        struct PidsStats: Decodable {
            let current: UInt64?
        }
        struct Network: Decodable {
            let rx_bytes: UInt64?
            let tx_bytes: UInt64?
        }
        struct BlockIO: Decodable {
            struct Entry: Decodable {
                let op: String?
                let value: UInt64?
            }
            let io_service_bytes_recursive: [Entry]?
        }
        let read: String?
        let cpu_stats: CPUStats?
        let memory_stats: MemoryStats?
        let pids_stats: PidsStats?
        let networks: [String: Network]?
        let blkio_stats: BlockIO?
    }
}

/// One resource reading of one container, in the units the store keeps: what the sampler produces and what the store
/// reads back. Its coding keys are the names the store's `samples` rows are read by (and `stats --json` prints).
public struct ResourceSample: Sendable, Equatable, Codable {
    public var containerID: String
    /// When the reading was taken, Unix nanoseconds.
    public var timeNanos: Int64
    /// CPU as `docker stats` shows it: 100 is one full CPU; at most 100 × online CPUs. Nil for the first reading.
    public var cpuPercent: Double?
    /// CPU as a percent of the container's own limit (`NanoCpus`, else `CpuQuota/CpuPeriod`, else all online CPUs).
    public var cpuPercentOfLimit: Double?
    /// CFS periods in which the container was throttled (cumulative counter).
    public var cpuThrottledPeriods: Int64
    /// `memory_stats.usage`, bytes (page cache included).
    public var memoryUsageBytes: Int64
    /// Usage minus inactive page cache, bytes: what the OOM killer weighs.
    public var memoryWorkingSetBytes: Int64
    /// The memory limit, bytes (the host's memory when unlimited).
    public var memoryLimitBytes: Int64
    public var pids: Int64
    /// Cumulative network bytes received / sent over all interfaces.
    public var networkRxBytes: Int64
    public var networkTxBytes: Int64
    /// Cumulative block-device bytes read / written.
    public var blockReadBytes: Int64
    public var blockWriteBytes: Int64
    /// The kernel's OOM counters of the container's memory cgroup (cumulative since its start; ``OOMCounters``):
    /// processes OOM-killed, OOM events (cgroup v2 only), times usage hit the limit. Nil when not read (stats API).
    public var oomKills: Int64?
    public var ooms: Int64?
    public var memoryLimitHits: Int64?

    /// A sample's columns, by the names the store's `samples` rows are read by, `stats --json` prints and a playbook's
    /// `samples:` evidence names.
    public enum Column: String, CodingKey, CaseIterable, Sendable {
        case pids, ooms
        case containerID = "container_id"
        case timeNanos = "ts_ns"
        case cpuPercent = "cpu_pct"
        case cpuPercentOfLimit = "cpu_pct_of_limit"
        case cpuThrottledPeriods = "cpu_throttled_periods"
        case memoryUsageBytes = "mem_usage_bytes"
        case memoryWorkingSetBytes = "mem_working_set_bytes"
        case memoryLimitBytes = "mem_limit_bytes"
        case networkRxBytes = "net_rx_bytes"
        case networkTxBytes = "net_tx_bytes"
        case blockReadBytes = "blk_read_bytes"
        case blockWriteBytes = "blk_write_bytes"
        case oomKills = "oom_kills"
        case memoryLimitHits = "mem_limit_hits"
    }

    typealias CodingKeys = Column

    /// The columns that measure something: all but the container's id and the time.
    public static let measurements = Column.allCases.filter { $0 != .containerID && $0 != .timeNanos }

    /// A measurement's value in the store's units (percent, bytes, counts); nil where the sample has none (`cpu_pct` of
    /// a container's first sample, OOM counters not read) and for ``Column/containerID``.
    public func value(_ column: Column) -> Double? {
        switch column {
        case .containerID: nil
        case .timeNanos: Double(timeNanos)
        case .cpuPercent: cpuPercent
        case .cpuPercentOfLimit: cpuPercentOfLimit
        case .cpuThrottledPeriods: Double(cpuThrottledPeriods)
        case .memoryUsageBytes: Double(memoryUsageBytes)
        case .memoryWorkingSetBytes: Double(memoryWorkingSetBytes)
        case .memoryLimitBytes: Double(memoryLimitBytes)
        case .pids: Double(pids)
        case .networkRxBytes: Double(networkRxBytes)
        case .networkTxBytes: Double(networkTxBytes)
        case .blockReadBytes: Double(blockReadBytes)
        case .blockWriteBytes: Double(blockWriteBytes)
        case .oomKills: oomKills.map(Double.init)
        case .ooms: ooms.map(Double.init)
        case .memoryLimitHits: memoryLimitHits.map(Double.init)
        }
    }

    public init(
        containerID: String, timeNanos: Int64, cpuPercent: Double?, cpuPercentOfLimit: Double?, cpuThrottledPeriods: Int64,
        memoryUsageBytes: Int64, memoryWorkingSetBytes: Int64, memoryLimitBytes: Int64, pids: Int64,
        networkRxBytes: Int64, networkTxBytes: Int64, blockReadBytes: Int64, blockWriteBytes: Int64,
        oomKills: Int64? = nil, ooms: Int64? = nil, memoryLimitHits: Int64? = nil
    ) {
        self.containerID = containerID
        self.timeNanos = timeNanos
        self.cpuPercent = cpuPercent
        self.cpuPercentOfLimit = cpuPercentOfLimit
        self.cpuThrottledPeriods = cpuThrottledPeriods
        self.memoryUsageBytes = memoryUsageBytes
        self.memoryWorkingSetBytes = memoryWorkingSetBytes
        self.memoryLimitBytes = memoryLimitBytes
        self.pids = pids
        self.networkRxBytes = networkRxBytes
        self.networkTxBytes = networkTxBytes
        self.blockReadBytes = blockReadBytes
        self.blockWriteBytes = blockWriteBytes
        self.oomKills = oomKills
        self.ooms = ooms
        self.memoryLimitHits = memoryLimitHits
    }

    /// Builds a sample from a reading and the container's previous one (for the CPU deltas), with the docker CLI's formula:
    /// CPU % = Δ container CPU time ÷ Δ system CPU time × online CPUs × 100.
    ///
    /// - Parameter cpuLimit: the container's CPU limit in CPUs (``ContainerInspect/HostConfig/cpuLimit``); nil when unlimited.
    public init(containerID: String, current: StatsReading, previous: StatsReading?, cpuLimit: Double?) {
        var cpuPercent: Double?
        if let previous, current.cpuTotalNanos >= previous.cpuTotalNanos, current.systemCPUNanos > previous.systemCPUNanos {
            let cpuDelta = Double(current.cpuTotalNanos - previous.cpuTotalNanos)
            let systemDelta = Double(current.systemCPUNanos - previous.systemCPUNanos)
            cpuPercent = cpuDelta / systemDelta * Double(max(current.onlineCPUs, 1)) * 100
        }
        let limitCPUs = cpuLimit ?? Double(max(current.onlineCPUs, 1))
        let usage = current.memoryUsageBytes
        self.init(
            containerID: containerID,
            timeNanos: current.readNanos,
            cpuPercent: cpuPercent,
            cpuPercentOfLimit: cpuPercent.map { $0 / limitCPUs },
            cpuThrottledPeriods: Int64(clamping: current.throttledPeriods),
            memoryUsageBytes: Int64(clamping: usage),
            memoryWorkingSetBytes: Int64(clamping: usage > current.inactiveFileBytes ? usage - current.inactiveFileBytes : 0),
            memoryLimitBytes: Int64(clamping: current.memoryLimitBytes),
            pids: Int64(clamping: current.pids),
            networkRxBytes: Int64(clamping: current.networkRxBytes),
            networkTxBytes: Int64(clamping: current.networkTxBytes),
            blockReadBytes: Int64(clamping: current.blockReadBytes),
            blockWriteBytes: Int64(clamping: current.blockWriteBytes),
            oomKills: current.oom.map { Int64(clamping: $0.kills) },
            ooms: current.oom?.ooms.map { Int64(clamping: $0) },
            memoryLimitHits: current.oom.map { Int64(clamping: $0.limitHits) }
        )
    }
}
