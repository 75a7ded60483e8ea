import BlackboxCore
import BlackboxStore
import DockerEngine
import Foundation
import Playbooks
import Testing

/// What the failure was: how the incident opened, and the engine events of its occurrence.
enum BreadthFailure: Sendable {
    case die(Int)
    case startFailure
    case unhealthy
    case stopTimeout
    /// `docker stop` answered in time, with this exit code (SIGTERM, then the die).
    case stopExit(Int)
    /// `docker kill -s SIGNAL`, then the die with this exit code.
    case killed(signal: String, exitCode: Int)

    var trigger: String {
        switch self {
        case .die, .stopExit, .killed: "die"
        case .startFailure: "start_failure"
        case .unhealthy: "unhealthy"
        case .stopTimeout: "stop_timeout"
        }
    }

    var exitCode: Int? {
        switch self {
        case .die(let code), .stopExit(let code), .killed(_, let code): code
        case .stopTimeout: 137
        case .startFailure, .unhealthy: nil
        }
    }

    /// Engine events from the start to the failure, one second apart.
    func events(containerID: String, from start: Int64) -> [EventRecord] {
        let actions: [(action: String, exitCode: Int?, signal: String?)] =
            switch self {
            case .die(let code): [("start", nil, nil), ("die", code, nil)]
            case .startFailure: []
            case .unhealthy: [("start", nil, nil), ("health_status: unhealthy", nil, nil)]
            case .stopTimeout: [("start", nil, nil), ("kill", nil, "15"), ("kill", nil, "9"), ("die", 137, nil), ("stop", nil, nil)]
            case .stopExit(let code): [("start", nil, nil), ("kill", nil, "15"), ("die", code, nil)]
            case .killed(let signal, let code): [("start", nil, nil), ("kill", nil, signal), ("die", code, nil)]
            }
        return actions.enumerated().map { index, event in
            var record = EventRecord(
                timeNanos: start + Int64(index) * 1_000_000_000, kind: .engine, type: "container", action: event.action, actorID: containerID,
                containerID: containerID, containerName: "app", image: "example/app:1", composeProject: "shop", composeService: "app",
                exitCode: event.exitCode, signal: event.signal, payload: "{}")
            record.seq = Int64(index + 1)
            return record
        }
    }
}

/// A near miss: the case with other log lines, other settings, or another failure.
enum NearMiss: Sendable {
    case log([String])
    case inspect(JSONValue)
    case failure(BreadthFailure)
}

/// One row of the table: a failure built in memory, the phrases its diagnosis and fix must contain, and its near miss.
struct BreadthCase: Sendable, CustomTestStringConvertible {
    let playbook: String
    let failure: BreadthFailure
    let log: [String]
    let inspect: JSONValue
    let says: [String]
    /// The diagnosis when another playbook rightly (or, for now, by the ranking rule) comes before this one.
    let rankedFirst: String?
    let nearMiss: NearMiss
    /// Other containers' snapshots at the failure, by id (running or not, as their `State.Running` says).
    let others: [String: JSONValue]

    init(
        _ playbook: String, _ failure: BreadthFailure, log: [String] = [], inspect: JSONValue = .object([:]), says: [String],
        rankedFirst: String? = nil, nearMiss: NearMiss, others: [String: JSONValue] = [:]
    ) {
        self.others = others
        self.playbook = playbook
        self.failure = failure
        self.log = log
        self.inspect = inspect
        self.says = says
        self.rankedFirst = rankedFirst
        self.nearMiss = nearMiss
    }

    var testDescription: String { "\(playbook) (\(failure.trigger)): \(log.last ?? inspect.description.prefix(80).description)" }

    /// The texts the failure brings with it, which may say anything: log lines, the engine error, probe output.
    var inputs: [String] {
        var texts = log
        let snapshot = Snapshot.merge(Snapshot.base(failure), inspect)
        if let error = snapshot[path: "State.Error"]?.stringValue { texts.append(error) }
        if case .array(let entries)? = snapshot[path: "State.Health.Log"] {
            texts += entries.compactMap { $0[path: "Output"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        return texts.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    func context() -> IncidentContext { Self.context(failure, log: log, inspect: inspect, others: others) }

    func nearMissContext() -> IncidentContext {
        switch nearMiss {
        case .log(let lines): Self.context(failure, log: lines, inspect: inspect, others: others)
        case .inspect(let overrides): Self.context(failure, log: log, inspect: Snapshot.merge(inspect, overrides), others: others)
        case .failure(let other): Self.context(other, log: log, inspect: inspect, others: others)
        }
    }

    static func context(_ failure: BreadthFailure, log: [String], inspect: JSONValue, others: [String: JSONValue] = [:]) -> IncidentContext {
        let start: Int64 = 1_780_000_000_000_000_000
        let containerID = "c0ffee0000000000000000000000000000000000000000000000000000000001"
        let events = failure.events(containerID: containerID, from: start)
        let failed = events.last?.timeNanos ?? start
        let snapshot = Snapshot.merge(Snapshot.base(failure), inspect)
        let incident = IncidentState(
            id: 1, containerID: containerID, containerName: "app", image: "example/app:1", composeProject: "shop", composeService: "app",
            trigger: failure.trigger, triggers: "[\"\(failure.trigger)\"]", openedNanos: failed, lastNanos: failed, occurrences: 1,
            exitCode: failure.exitCode, stableSinceNanos: nil, resolvedNanos: nil, resolution: nil,
            eventSeqs: "[\(events.last?.seq ?? 0)]", lastEventSeq: events.last?.seq ?? 0)
        return IncidentContext(
            incident: incident, events: events, inspect: snapshot, snapshots: [snapshot],
            logLines: log.enumerated().map { LogLine(stream: .stderr, timeNanos: failed - Int64(log.count - $0.offset) * 1_000_000, text: $0.element) },
            samples: [], lookups: others.isEmpty ? NoLookups() : SnapshotLookups(others.mapValues(\.description)))
    }
}

/// Lookups answered from other containers' snapshots alone (inspect payloads by id): who was running at the failure,
/// and any container's latest snapshot. Nothing of the host.
struct SnapshotLookups: EvidenceLookups {
    let snapshots: [String: String]

    init(_ snapshots: [String: String]) {
        self.snapshots = snapshots
    }

    func portHolder(hostPort: String, excluding containerID: String) -> String? { nil }
    func volumeUser(volume: String, excluding containerID: String) -> String? { nil }
    func pathOwner(_ path: String) -> String? { nil }
    func portProcess(_ port: String) -> String? { nil }
    func program(_ path: String) -> EventRecord.ProgramFacts? { nil }
    func runningSnapshots() -> [String: String] {
        snapshots.filter { JSONValue.parse($0.value)?[path: "State.Running"] == .bool(true) }
    }
    func snapshot(containerID: String) -> String? { snapshots[containerID] }
}

/// Inspect snapshots as the Engine API returns them, built from a plain container and overrides.
enum Snapshot {
    /// A container of `example/app:1`, in the state the failure leaves it.
    static func base(_ failure: BreadthFailure) -> JSONValue {
        let state: [String: JSONValue] = [
            "Status": .string(failure.trigger == "start_failure" ? "created" : failure.trigger == "unhealthy" ? "running" : "exited"),
            "ExitCode": .number(Double(failure.exitCode ?? (failure.trigger == "start_failure" ? 128 : 0))), "Error": .string(""),
            "OOMKilled": .bool(false),
        ]
        return .object([
            "Id": .string("c0ffee0000000000000000000000000000000000000000000000000000000001"), "Name": .string("/app"),
            "Config": .object([
                "Image": .string("example/app:1"), "User": .string(""), "Cmd": .array([.string("app")]), "Entrypoint": .null,
                "Env": .array([.string("PATH=/usr/local/bin:/usr/bin:/bin")]), "WorkingDir": .string("/app"),
                "Healthcheck": .object([
                    "Test": .array([.string("CMD"), .string("curl"), .string("-f"), .string("http://localhost:8080/health")]),
                    "Interval": .number(30e9), "Timeout": .number(5e9), "StartPeriod": .number(0), "Retries": .number(3),
                ]),
            ]),
            "State": .object(state),
            "HostConfig": .object([
                "NetworkMode": .string("app_default"), "RestartPolicy": .object(["Name": .string("no"), "MaximumRetryCount": .number(0)]),
                "CapAdd": .null, "CapDrop": .null, "Ulimits": .null, "PidsLimit": .null, "Memory": .number(0), "Init": .null,
                "Runtime": .string("runc"), "ReadonlyRootfs": .bool(false),
                "LogConfig": .object(["Type": .string("json-file"), "Config": .object([:])]),
            ]),
            "Mounts": .array([]),
        ])
    }

    /// Deep merge: objects merge key by key, anything else is replaced.
    static func merge(_ base: JSONValue, _ overrides: JSONValue) -> JSONValue {
        guard case .object(var merged) = base, case .object(let changes) = overrides else { return overrides }
        for (key, value) in changes { merged[key] = merged[key].map { merge($0, value) } ?? value }
        return .object(merged)
    }

    static func at(_ section: String, _ key: String, _ value: JSONValue) -> JSONValue { .object([section: .object([key: value])]) }

    static func stateError(_ text: String) -> JSONValue { at("State", "Error", .string(text)) }

    static func env(_ variables: [String]) -> JSONValue {
        at("Config", "Env", .array((["PATH=/usr/local/bin:/usr/bin:/bin"] + variables).map(JSONValue.string)))
    }

    static func mounts(_ mounts: [JSONValue]) -> JSONValue { .object(["Mounts": .array(mounts)]) }

    static func mount(type: String, source: String, destination: String, rw: Bool = true) -> JSONValue {
        .object(["Type": .string(type), "Source": .string(source), "Destination": .string(destination), "RW": .bool(rw)])
    }

    /// An unhealthy container whose last three probes printed `output`.
    static func health(output: String, exitCode: Int) -> JSONValue {
        let entries: [JSONValue] = (0..<3).map { index in
            .object([
                "Start": .string("2026-12-02T01:0\(index):00.000000000Z"), "End": .string("2026-12-02T01:0\(index):05.000000000Z"),
                "ExitCode": .number(Double(exitCode)), "Output": .string(output),
            ])
        }
        return at("State", "Health", .object(["Status": .string("unhealthy"), "FailingStreak": .number(3), "Log": .array(entries)]))
    }
}
