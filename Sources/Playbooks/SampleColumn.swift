import DockerEngine

/// A column of the store's `samples` table that a playbook's `sample:` evidence can read (`column:`, `divided_by:`):
/// the one list the parser checks names against and the matcher reads values by.
public enum SampleColumn: String, Sendable, CaseIterable {
    case cpuPercent = "cpu_pct"
    case cpuPercentOfLimit = "cpu_pct_of_limit"
    case cpuThrottledPeriods = "cpu_throttled_periods"
    case memoryUsageBytes = "mem_usage_bytes"
    case memoryWorkingSetBytes = "mem_working_set_bytes"
    case memoryLimitBytes = "mem_limit_bytes"
    case pids
    case networkRxBytes = "net_rx_bytes"
    case networkTxBytes = "net_tx_bytes"
    case blockReadBytes = "blk_read_bytes"
    case blockWriteBytes = "blk_write_bytes"

    /// The column's value in `sample`, in the store's units (percent, bytes, counts); nil where the sample has none
    /// (`cpu_pct` of a container's first sample).
    func value(in sample: ResourceSample) -> Double? {
        switch self {
        case .cpuPercent: sample.cpuPercent
        case .cpuPercentOfLimit: sample.cpuPercentOfLimit
        case .cpuThrottledPeriods: Double(sample.cpuThrottledPeriods)
        case .memoryUsageBytes: Double(sample.memoryUsageBytes)
        case .memoryWorkingSetBytes: Double(sample.memoryWorkingSetBytes)
        case .memoryLimitBytes: Double(sample.memoryLimitBytes)
        case .pids: Double(sample.pids)
        case .networkRxBytes: Double(sample.networkRxBytes)
        case .networkTxBytes: Double(sample.networkTxBytes)
        case .blockReadBytes: Double(sample.blockReadBytes)
        case .blockWriteBytes: Double(sample.blockWriteBytes)
        }
    }
}
