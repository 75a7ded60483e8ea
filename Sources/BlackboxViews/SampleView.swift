import BlackboxCore
import BlackboxStore
import DockerEngine

/// One resource sample of a container (`stats --json`), as the recorder read it from the cgroup files or the
/// Engine API's `GET /containers/{id}/stats`.
public struct SampleView: Codable, Sendable, Equatable {
    public var containerID: String
    /// Unix nanoseconds, and the same as RFC 3339.
    public var timeNanos: Int64
    public var time: String
    /// Percent of one CPU, and of the container's CPU limit; nil for the first sample (no interval yet).
    public var cpuPercent: Double?
    public var cpuPercentOfLimit: Double?
    /// CFS periods throttled since the container started (`cpu.stat` `nr_throttled`).
    public var cpuThrottledPeriods: Int64
    /// Bytes.
    public var memoryUsageBytes: Int64
    public var memoryWorkingSetBytes: Int64
    public var memoryLimitBytes: Int64
    public var pids: Int64
    /// Bytes since the container started.
    public var networkRxBytes: Int64
    public var networkTxBytes: Int64
    public var blockReadBytes: Int64
    public var blockWriteBytes: Int64

    enum CodingKeys: String, CodingKey {
        case time, pids
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
    }

    public init(_ sample: ResourceSample) {
        containerID = sample.containerID
        timeNanos = sample.timeNanos
        time = Timestamp.rfc3339(unixNanos: sample.timeNanos)
        cpuPercent = sample.cpuPercent
        cpuPercentOfLimit = sample.cpuPercentOfLimit
        cpuThrottledPeriods = sample.cpuThrottledPeriods
        memoryUsageBytes = sample.memoryUsageBytes
        memoryWorkingSetBytes = sample.memoryWorkingSetBytes
        memoryLimitBytes = sample.memoryLimitBytes
        pids = sample.pids
        networkRxBytes = sample.networkRxBytes
        networkTxBytes = sample.networkTxBytes
        blockReadBytes = sample.blockReadBytes
        blockWriteBytes = sample.blockWriteBytes
    }
}
