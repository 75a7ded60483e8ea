import BlackboxStore
import DockerEngine
import Foundation

extension InMemoryHistory {
    /// A pressure row as the recorder writes it (``EventRecord/pressure(_:of:timeNanos:)``): `value` of `limit`.
    mutating func pressure(
        _ resource: EventRecord.Pressure.Resource, _ phase: EventRecord.Pressure.Phase, value: Double, limit: Double,
        active: [EventRecord.Pressure.Resource]? = nil, since: Int64? = nil, mount: EventRecord.Pressure.Mount? = nil
    ) {
        let ratio = resource == .cpu ? value : value / limit
        let pressure = EventRecord.Pressure(
            resource: resource, phase: phase, value: value, limit: limit, ratio: ratio, threshold: phase == .start ? 0.9 : 0.8,
            peakRatio: ratio, samples: 3, windowNanos: 4_000_000_000, sinceNanos: since ?? now - 4_000_000_000,
            throttledPeriods: resource == .cpu ? 60 : nil, periods: resource == .cpu ? 60 : nil, source: mount == nil ? "/sys/fs/cgroup/\(resource.rawValue)/docker/x" : "statvfs",
            mount: mount, active: active ?? (phase == .start ? [resource] : []), startedNanos: 1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        append(
            EventRecord(
                timeNanos: now, kind: resource.eventKind, containerID: containerID, containerName: name, image: "app:1",
                deduplicationKey: "\(resource.eventKind.rawValue)|\(containerID)|1|\(phase.rawValue)|\(now)",
                payload: String(decoding: (try? encoder.encode(pressure)) ?? Data("{}".utf8), as: UTF8.self)))
        now += 1_000_000
    }
}

extension InMemoryHistory {
    /// An `error_burst` row as the recorder writes it, with these lines (start) or none (end).
    mutating func errorBurst(_ phase: EventRecord.ErrorBurst.Phase, _ lines: [String]) {
        let logLines = lines.map { LogLine(stream: .stderr, timeNanos: now, text: $0) }
        let burst = EventRecord.ErrorBurst(
            phase: phase, errorLines: max(lines.count, 5), threshold: 5, windowNanos: 10_000_000_000, sinceNanos: now - 3_000_000_000, lastNanos: now,
            lines: logLines, redacted: nil, mostInformative: nil, cappedReads: 0, startedNanos: 1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        append(
            EventRecord(
                timeNanos: now, kind: .errorBurst, containerID: containerID, containerName: name, image: "app:1",
                deduplicationKey: "error_burst|\(containerID)|1|\(phase.rawValue)|\(now)",
                payload: String(decoding: (try? encoder.encode(burst)) ?? Data("{}".utf8), as: UTF8.self)))
        now += 1_000_000
    }
}
