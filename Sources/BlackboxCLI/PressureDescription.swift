import BlackboxCore
import BlackboxStore

/// How a pressure row (`memory_pressure`, `cpu_pressure`, `pids_pressure`, `disk_pressure`) reads in `events` and
/// `timeline`: `start: working set 30.1MiB of 32MiB (94 %) for 3 samples (4s) from memory.usage_in_bytes`,
/// `start: /data (volume pgdata) 19.5MiB of 20MiB used (97 %), 512KiB free for 3 samples (4s) from statvfs`.
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
            case .disk:
                (pressure.mount.map { "\(Self.filesystem($0)) " } ?? "")
                    + "\(Units.bytes(Int64(pressure.value))) of \(Units.bytes(Int64(pressure.limit))) used (\(percent))"
                    + (pressure.mount.map { ", \(Units.bytes($0.availableBytes)) free" } ?? "")
            }
        return "\(pressure.phase.rawValue): \(what) for \(pressure.samples) samples (\(Units.span(nanos: pressure.windowNanos))) from \(pressure.source)"
    }

    /// `/data (volume pgdata)`, `/srv (bind /home/me/srv)`, `/ (the container's root filesystem)`.
    static func filesystem(_ mount: EventRecord.Pressure.Mount) -> String {
        switch mount.type {
        case "rootfs": "\(mount.destination) (the container's root filesystem)"
        case "volume": "\(mount.destination) (volume \(mount.name ?? mount.hostPath ?? "?"))"
        case "bind": "\(mount.destination) (bind \(mount.hostPath ?? "?"))"
        default: "\(mount.destination) (\(mount.type))"
        }
    }
}
