import BlackboxCore
import BlackboxStore
import Foundation

/// What a `docker update` changed, read from the inspect snapshots before and after it (`GET /containers/{id}/json`,
/// `HostConfig`): the engine's `update` event carries only the container's name and image.
public enum ContainerUpdateChange {
    /// The `HostConfig` settings `docker update` can change (Engine API `POST /containers/{id}/update`), with the
    /// flag each is set by; memory ones are bytes, `NanoCpus` is billionths of a CPU.
    static let settings: [(key: String, flag: String)] = [
        ("Memory", "memory"), ("MemorySwap", "memory-swap"), ("MemoryReservation", "memory-reservation"), ("NanoCpus", "cpus"),
        ("CpuQuota", "cpu-quota"), ("CpuPeriod", "cpu-period"), ("CpuShares", "cpu-shares"), ("CpusetCpus", "cpuset-cpus"),
        ("PidsLimit", "pids-limit"), ("BlkioWeight", "blkio-weight"), ("RestartPolicy", "restart"),
    ]

    /// `memory 64MiB → 256MiB, pids-limit none → 100` for the `update` event `update`, from the snapshot the recorder
    /// took for it (same deduplication key) and the container's snapshot before it in `events` (oldest first); nil
    /// when either snapshot is missing or nothing the command sets changed.
    public static func summary(of update: EventRecord, in events: [EventRecord]) -> String? {
        guard update.kind == .engine, update.action == "update", let key = update.deduplicationKey?.split(separator: "|", maxSplits: 1).last,
            let containerID = update.containerID
        else { return nil }
        let snapshots = events.filter { $0.kind == .inspect && $0.containerID == containerID }
        guard let after = snapshots.first(where: { $0.deduplicationKey == "inspect|\(key)" }),
            let before = snapshots.last(where: { $0.timeNanos <= update.timeNanos && $0.deduplicationKey != after.deduplicationKey }),
            let old = JSONValue.parse(before.payload)?[path: "HostConfig"], let new = JSONValue.parse(after.payload)?[path: "HostConfig"]
        else { return nil }
        let changes = changes(from: old, to: new)
        return changes.isEmpty ? nil : changes.joined(separator: ", ")
    }

    /// Each setting of ``settings`` that differs between two `HostConfig` objects: `memory 64MiB → 256MiB`.
    static func changes(from old: JSONValue, to new: JSONValue) -> [String] {
        settings.compactMap { setting in
            let was = rendered(old[path: setting.key], setting.key)
            let now = rendered(new[path: setting.key], setting.key)
            return was == now ? nil : "\(setting.flag) \(was) → \(now)"
        }
    }

    private static func rendered(_ value: JSONValue?, _ key: String) -> String {
        switch key {
        case "RestartPolicy":
            guard let policy = RestartPolicyOutcome(inspect: value.map { .object(["HostConfig": .object(["RestartPolicy": $0])]) }) else { return "no" }
            return policy.label
        case "Memory", "MemorySwap", "MemoryReservation":
            guard let bytes = value?.numberValue, bytes > 0 else { return bytes(value) }
            return Units.bytes(bytes)
        case "PidsLimit":
            guard let limit = value?.numberValue, limit > 0 else { return "none" }
            return String(Int64(limit))
        case "NanoCpus":
            guard let nanos = value?.numberValue, nanos > 0 else { return "none" }
            return String(format: "%g", nanos / 1e9)
        default:
            guard let value, value != .null, value.stringValue != "", value.stringValue != "0" else { return "none" }
            return value.stringValue ?? value.description
        }
    }

    /// `none` for 0 or absent, `unlimited` for -1 (`--memory-swap -1`).
    private static func bytes(_ value: JSONValue?) -> String {
        value?.numberValue == -1 ? "unlimited" : "none"
    }
}
