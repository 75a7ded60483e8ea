import BlackboxStore

/// How a pressure row (`memory_pressure`, `cpu_pressure`, `pids_pressure`) reads in `events` and `timeline`:
/// `start: working set 30.1MiB of 32MiB (94 %) for 3 samples (4s) from memory.usage_in_bytes`.
enum PressureDescription {
    static func details(_ pressure: EventRecord.Pressure) -> String {
        let percent = "\(Int((pressure.ratio * 100).rounded())) %"
        let what: String =
            switch pressure.resource {
            case .memory: "working set \(Units.bytes(Int64(pressure.value))) of \(Units.bytes(Int64(pressure.limit))) (\(percent))"
            case .cpu:
                "throttled in \(percent) of CFS periods"
                    + (pressure.throttledPeriods.map { t in pressure.periods.map { " (\(t) of \($0))" } ?? "" } ?? "")
                    + " under a limit of \(String(format: "%g", pressure.limit)) CPUs"
            case .pids: "\(Int64(pressure.value)) of \(Int64(pressure.limit)) tasks (\(percent))"
            }
        return "\(pressure.phase.rawValue): \(what) for \(pressure.samples) samples (\(Units.span(pressure.windowNanos))) from \(pressure.source)"
    }
}
