import BlackboxCore
import BlackboxStore
import Foundation

extension Checklist {
    /// Check 1: a memory limit must hold the measured baseline (p99 working set over the window) plus
    /// ``memoryHeadroomBytes``; a service OOM-killed under its current limit is an error too. The suggested limit is
    /// the baseline plus the headroom, where the baseline is at least the limit the service was OOM-killed under.
    func memoryFindings(_ service: ComposeService, _ history: ServiceHistory) -> [Finding] {
        var findings: [Finding] = []
        let limit = service.memoryLimit
        let key = limit?.value.key ?? "mem_limit"
        let oom = limit.flatMap { limit in history.incidents.first { $0.triggerKinds.contains("oom") && killedUnder(limit.value.bytes, $0) } }
        // An OOM kill under the current limit shows the service needed at least that much.
        let baseline = max(history.usage?.workingSetP99Bytes ?? 0, oom != nil ? limit?.value.bytes ?? 0 : 0)
        let suggested = Self.roundedToMiB(baseline + Self.memoryHeadroomBytes)
        if let usage = history.usage {
            let evidence = [
                Finding.Evidence("p99_working_set_bytes", usage.workingSetP99Bytes), .init("peak_working_set_bytes", usage.workingSetMaxBytes),
                .init("samples", Int64(usage.samples)), .init("window", windowText), .init("suggested_limit_bytes", suggested),
            ]
            let measured = "p99 working set \(Units.bytes(usage.workingSetP99Bytes)) over \(usage.samples) samples in the last \(windowText)"
            if let limit, limit.value.bytes < usage.workingSetP99Bytes + Self.memoryHeadroomBytes {
                findings.append(
                    Finding(
                        .error, "memory-limit", service: service.name, at: limit.location,
                        "\(service.name): \(key) \(Units.bytes(limit.value.bytes)) is below the measured baseline plus \(Units.bytes(Self.memoryHeadroomBytes)) of headroom (\(measured))",
                        evidence: [.init("memory_limit_bytes", limit.value.bytes)] + evidence, fix: "\(key): \(ComposeUnits.composeSize(suggested))"))
            } else if limit == nil {
                findings.append(
                    Finding(
                        .warning, "memory-limit", service: service.name, at: service.location,
                        "\(service.name) has no memory limit: a leak can take the host's memory (\(measured))", evidence: evidence,
                        fix: "mem_limit: \(ComposeUnits.composeSize(suggested))"))
            }
        }
        if let limit, let oom {
            findings.append(
                Finding(
                    .error, "oom", service: service.name, at: limit.location,
                    "\(service.name) was OOM-killed with this same limit of \(Units.bytes(limit.value.bytes)): \(Self.cite(oom))",
                    evidence: [
                        .init("memory_limit_bytes", limit.value.bytes), .init("incident", Int64(oom.id ?? 0)), .init("oom_killed_ns", oom.lastNanos),
                        .init("suggested_limit_bytes", suggested),
                    ],
                    fix: "\(key): \(ComposeUnits.composeSize(suggested)) (details: `blackbox incident show \(oom.id ?? 0)`)"))
        }
        return findings
    }

    /// Limits must be realistic: a limit above the engine host's memory never applies, and limits that add up to more
    /// than it let the host run out of memory before any limit does.
    func hostMemoryFindings() throws -> [Finding] {
        guard let hostMemory = try store?.engineHostMemoryBytes(), hostMemory > 0 else { return [] }
        var findings: [Finding] = []
        let limited = project.services.compactMap { service in service.memoryLimit.map { (service, $0) } }
        for (service, limit) in limited where limit.value.bytes > hostMemory {
            findings.append(
                Finding(
                    .warning, "memory-limit", service: service.name, at: limit.location,
                    "\(service.name): \(limit.value.key) \(Units.bytes(limit.value.bytes)) is more than the engine host's memory (\(Units.bytes(hostMemory))): it never applies",
                    evidence: [.init("memory_limit_bytes", limit.value.bytes), .init("host_memory_bytes", hostMemory)],
                    fix: "\(limit.value.key): the measured baseline plus 200MiB, at most \(ComposeUnits.composeSize(hostMemory / 2)) on this host"))
        }
        let total = limited.reduce(Int64(0)) { $0 + $1.1.value.bytes }
        if limited.count > 1, total > hostMemory, let first = limited.first {
            findings.append(
                Finding(
                    .warning, "memory-limit", service: nil, at: ComposeLocation(file: first.1.location.file, line: 0),
                    "the project's memory limits add up to \(Units.bytes(total)), more than the engine host's memory (\(Units.bytes(hostMemory))): the host can run out of memory before any limit applies",
                    evidence: [.init("limits_total_bytes", total), .init("host_memory_bytes", hostMemory)],
                    fix: "lower the limits to what each service measures plus 200MiB, or run the stack on a host with more memory"))
        }
        return findings
    }

    /// Whether the incident's container ran under this memory limit (the containers projection's last known limit).
    private func killedUnder(_ limit: Int64, _ incident: IncidentState) -> Bool {
        (try? store?.container(incident.containerID))??.memoryLimitBytes == limit
    }

    /// Check 2: a CPU limit the service runs against — p95 CPU at or above 90 % of the limit while throttled
    /// periods grow — is a warning with the measured figures.
    func cpuFindings(_ service: ComposeService, _ history: ServiceHistory) -> [Finding] {
        guard let cpus = service.cpus, cpus.value > 0, let usage = history.usage, let ofLimit = usage.cpuOfLimitP95Percent,
            ofLimit >= 90, usage.throttledPeriodsGrowth > 0
        else { return [] }
        let suggested = (cpus.value * 2 * 100).rounded(.up) / 100
        let used = usage.cpuP95Percent.map { String(format: "%.2f", $0 / 100) } ?? "?"
        return [
            Finding(
                .warning, "cpu-limit", service: service.name, at: cpus.location,
                "\(service.name) runs against its CPU limit of \(Self.number(cpus.value)): p95 CPU is \(String(format: "%.0f", ofLimit))% of the limit (\(used) CPUs) and it was throttled in \(usage.throttledPeriodsGrowth) more periods over the last \(windowText)",
                evidence: [
                    .init("cpu_limit", .number(cpus.value)), .init("p95_cpu_pct_of_limit", .number(ofLimit)),
                    .init("p95_cpu_pct", usage.cpuP95Percent.map(Finding.Value.number) ?? .none), .init("throttled_periods_growth", usage.throttledPeriodsGrowth),
                    .init("samples", Int64(usage.samples)),
                ],
                fix: "cpus: \(Self.number(suggested)) (its demand above the limit cannot be measured while it is throttled; check again after a day)")
        ]
    }

    static func roundedToMiB(_ bytes: Int64) -> Int64 {
        Units.mebibytesRoundedUp(bytes) * 1_048_576
    }

    /// `0.5`, `2`.
    static func number(_ value: Double) -> String {
        value.rounded() == value ? String(Int64(value)) : String(format: "%g", value)
    }
}
