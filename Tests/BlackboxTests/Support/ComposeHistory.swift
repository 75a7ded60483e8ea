import BlackboxStore
import DockerEngine
import Foundation

/// Writes the history of compose services into a store as the recorder would: engine events carrying the compose
/// labels, inspect snapshots, log tails and samples; the projections fold them as they are appended.
struct ComposeHistory {
    let store: EventStore
    let project: String
    private(set) var time: Int64 = 1_800_000_000_000_000_001  // odd: a Double cannot hold it exactly
    private var sequence = 0

    init(store: EventStore, project: String) {
        self.store = store
        self.project = project
    }

    struct Container {
        var id: String
        var name: String
        var service: String
    }

    /// A new container of `service`, created and started, with an inspect snapshot built from `hostConfig`, `mounts`
    /// and extra `labels`.
    mutating func start(
        _ service: String, number: Int = 1, project: String? = nil, hostConfig: [String: Any] = [:], mounts: [[String: Any]] = [],
        labels: [String: String] = [:]
    ) throws -> Container {
        let container = Container(
            id: String(repeating: String(format: "%02x", sequence + 1), count: 32), name: "\(project ?? self.project)_\(service)_\(number)", service: service)
        try engine(container, "create", project: project)
        try engine(container, "start", project: project)
        try inspect(container, status: "running", exitCode: 0, hostConfig: hostConfig, mounts: mounts, labels: labels, project: project)
        return container
    }

    /// A container event (`oom`, `die`, `kill`, `start`, `destroy`, …).
    mutating func engine(_ container: Container, _ action: String, exitCode: Int? = nil, signal: String? = nil, project: String? = nil) throws {
        advance()
        try store.append(
            EventRecord(
                timeNanos: time, kind: .engine, type: "container", action: action, actorID: container.id, containerID: container.id,
                containerName: container.name, image: "blackbox-test/busybox", composeProject: project ?? self.project, composeService: container.service,
                exitCode: exitCode, signal: signal, deduplicationKey: "test|\(sequence)", payload: "{}"))
    }

    /// An inspect snapshot of the container.
    mutating func inspect(
        _ container: Container, status: String, exitCode: Int, hostConfig: [String: Any] = [:], mounts: [[String: Any]] = [],
        labels: [String: String] = [:], project: String? = nil
    ) throws {
        advance()
        let document: [String: Any] = [
            "Id": container.id, "Name": "/\(container.name)",
            "State": ["Status": status, "ExitCode": exitCode, "OOMKilled": exitCode == 137 && status == "exited", "Error": ""],
            "Config": [
                "Image": "blackbox-test/busybox", "User": "",
                "Labels": labels.merging([ComposeLabel.project: project ?? self.project, ComposeLabel.service: container.service]) { $1 },
            ],
            "HostConfig": hostConfig, "Mounts": mounts,
        ]
        let json = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
        try store.append(.inspect(try ContainerInspect.decode(json), redactedJSON: json, timeNanos: time, trigger: "test|\(sequence)"))
    }

    /// A log tail of these stderr lines.
    mutating func logTail(_ container: Container, _ lines: [String]) throws {
        advance()
        let logLines = lines.map { LogLine(stream: .stderr, timeNanos: time, text: $0) }
        try store.append(.logTail(containerID: container.id, containerName: container.name, lines: logLines, failure: nil, timeNanos: time, trigger: "test|\(sequence)"))
    }

    /// One sample a second for each working-set value, with a CPU reading and a throttled-periods counter.
    mutating func samples(
        _ container: Container, workingSets: [Int64], limit: Int64, cpuPercent: Double = 5, cpuPercentOfLimit: Double = 10, throttledPerSample: Int64 = 0
    ) throws {
        var samples: [ResourceSample] = []
        for (index, workingSet) in workingSets.enumerated() {
            advance(by: 1_000_000_000)
            samples.append(
                ResourceSample(
                    containerID: container.id, timeNanos: time, cpuPercent: cpuPercent, cpuPercentOfLimit: cpuPercentOfLimit,
                    cpuThrottledPeriods: Int64(index) * throttledPerSample, memoryUsageBytes: workingSet + 4096, memoryWorkingSetBytes: workingSet,
                    memoryLimitBytes: limit, pids: 2, networkRxBytes: 0, networkTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0))
        }
        try store.append(samples: samples)
    }

    /// Lets time pass without an event.
    mutating func pass(_ nanos: Int64) {
        time += nanos
    }

    private mutating func advance(by nanos: Int64 = 1_000_000) {
        sequence += 1
        time += nanos
    }
}
