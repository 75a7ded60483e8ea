import BlackboxStore
import DockerEngine
import Foundation
import Playbooks

/// A container's history built in memory, row by row as the recorder writes it, folded by the pure
/// ``IncidentFold`` and diagnosed by the matcher: no SQLite, no engine.
struct InMemoryHistory {
    let containerID = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
    let name: String
    private(set) var events: [EventRecord] = []
    private var projections = PureFold()
    var incidents: [IncidentState] { projections.incidents }
    /// Unix nanoseconds of the next row; every helper advances it.
    var now: Int64 = 1_700_000_000_000_000_000
    private var counter = 0

    init(name: String) {
        self.name = name
    }

    /// The inspect document the next snapshots show; edit it to change the container's configuration or state.
    var inspect: [String: Any] = [:]

    mutating func advance(seconds: Double) { now += Int64(seconds * 1e9) }

    /// An engine event (`container` type unless given) with its key; returns that key.
    @discardableResult
    mutating func engine(_ action: String, exitCode: Int? = nil, signal: String? = nil, type: String = "container") -> String {
        counter += 1
        let key = "\(type)|\(action)|\(containerID)|\(now)|\(counter)"
        var attributes = ["name": name, "image": "app:1"]
        if let exitCode { attributes["exitCode"] = String(exitCode) }
        if let signal { attributes["signal"] = signal }
        let raw = (try? JSONSerialization.data(withJSONObject: ["Type": type, "Action": action, "Actor": ["ID": containerID, "Attributes": attributes], "timeNano": now])) ?? Data()
        append(
            EventRecord(
                timeNanos: now, kind: .engine, type: type, action: action, actorID: containerID, containerID: containerID, containerName: name,
                image: "app:1", exitCode: exitCode, signal: signal, deduplicationKey: "engine|\(key)", payload: String(decoding: raw, as: UTF8.self)))
        now += 1_000_000
        return key
    }

    /// The snapshot the recorder takes for the event keyed `trigger` (nil: a scan's), from ``inspect`` with `state`.
    mutating func snapshot(trigger: String?, state: [String: Any]) {
        var document = inspect
        document["Id"] = containerID
        document["Name"] = "/" + name
        var merged = (document["State"] as? [String: Any]) ?? [:]
        merged.merge(state) { $1 }
        document["State"] = merged
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data()
        append(
            EventRecord(
                timeNanos: now, kind: .inspect, containerID: containerID, containerName: name, image: "app:1", exitCode: merged["ExitCode"] as? Int,
                deduplicationKey: trigger.map { "inspect|\($0)" }, payload: String(decoding: data, as: UTF8.self)))
        now += 1_000_000
    }

    /// The log tail captured for the event keyed `trigger`; `redacted`: how many values the recorder replaced per line.
    mutating func logTail(trigger: String, _ lines: [String], redacted: [Int]? = nil) {
        append(
            .logTail(
                containerID: containerID, containerName: name, lines: lines.map { LogLine(stream: .stderr, timeNanos: now, text: $0) }, failure: nil,
                timeNanos: now, trigger: trigger, redacted: redacted))
        now += 1_000_000
    }

    /// A log tail keyed to `trigger` whose lines the engine stamped `secondsAgo` before now (negative: in the future),
    /// stored now: a tail read late, after the next run had begun.
    mutating func logTail(trigger: String, stamped lines: [(secondsAgo: Double, text: String)]) {
        append(
            .logTail(
                containerID: containerID, containerName: name,
                lines: lines.map { LogLine(stream: .stderr, timeNanos: now - Int64($0.secondsAgo * 1e9), text: $0.text) }, failure: nil,
                timeNanos: now, trigger: trigger, redacted: nil))
        now += 1_000_000
    }

    mutating func hostFacts(trigger: String, _ facts: EventRecord.HostFacts) {
        append(.hostFacts(facts, containerID: containerID, containerName: name, timeNanos: now, trigger: trigger))
        now += 1_000_000
    }

    /// A start the engine refused (the recorder's `start_failure` and its snapshot, keyed to a network `disconnect`).
    mutating func startFailure(error: String, exitCode: Int) {
        let disconnect = engine("disconnect", type: "network")
        snapshot(trigger: disconnect, state: ["Status": "created", "Running": false, "ExitCode": exitCode, "Error": error])
        let document = #"{"error":\#(String(decoding: try! JSONEncoder().encode(error), as: UTF8.self)),"exit_code":\#(exitCode),"status":"created"}"#
        append(
            EventRecord(
                timeNanos: now, kind: .startFailure, containerID: containerID, containerName: name, image: "app:1", exitCode: exitCode,
                deduplicationKey: "start_failure|\(disconnect)", payload: document))
        now += 1_000_000
    }

    /// `start` and its snapshot.
    mutating func start() {
        let key = engine("start")
        snapshot(trigger: key, state: ["Status": "running", "Running": true, "ExitCode": 0, "Error": "", "OOMKilled": false])
    }

    /// `die` with its log tail and snapshot, as the recorder stores them.
    @discardableResult
    mutating func die(_ exitCode: Int, log: [String] = [], oomKilled: Bool = false, restarting: Bool = false) -> String {
        let key = engine("die", exitCode: exitCode)
        logTail(trigger: key, log)
        snapshot(trigger: key, state: ["Status": restarting ? "restarting" : "exited", "Running": false, "ExitCode": exitCode, "OOMKilled": oomKilled])
        return key
    }

    /// `docker rm -f` of a running container: kill 9, die 137 (with its observations), destroy.
    mutating func removeForcibly(running: Bool = true, oomKilled: Bool = false) {
        if running {
            engine("kill", signal: "9")
            die(137, log: ["still going"], oomKilled: oomKilled)
        }
        engine("destroy")
    }

    mutating func append(_ record: EventRecord) {
        var event = record
        event.seq = Int64(events.count + 1)
        projections.fold(event)
        events.append(event)
    }

    /// The incident's evidence as `incident show` reads it: the window's rows, host facts recorded at each failure.
    func evidence(_ incident: IncidentState) -> IncidentEvidence {
        let from = incident.openedNanos - 600_000_000_000
        let until = incident.lastNanos + 60_000_000_000
        return IncidentEvidence(
            incident: incident, events: events.filter { $0.timeNanos >= from && $0.timeNanos <= until }, samples: [], compose: nil
        ) { rows, failedNanos in RecordedLookups(rows: rows, store: nil, atNanos: failedNanos) }
    }

    /// Each occurrence's matches with the built-in playbooks, and the index of the incident's diagnosis.
    func diagnose(_ incident: IncidentState) -> (perOccurrence: [[PlaybookMatch]], diagnosed: Int) {
        let matches = PlaybookMatcher(playbooks: PlaybookLibrary.builtIn.playbooks).matches(evidence(incident))
        return (matches, IncidentEvidence.diagnosedOccurrence(matches, of: evidence(incident).occurrences))
    }
}
