// Target `playbook`: a playbook file as `playbook lint` and `--playbooks` read it (Sources/Playbooks/PlaybookParser*.swift,
// YAMLBounds.swift), then, when it parses, matched against a fixed failure (a die with exit 137, a log tail, an inspect
// snapshot) and its diagnosis and fix rendered (PlaybookMatcher.swift, TemplateRenderer.swift, Template.swift); the
// input is also rendered as a template itself.
//
// Invariants: no input traps, loops or grows without bound (libFuzzer's -timeout and -rss_limit_mb catch those); a
// refused playbook has a diagnostic; every diagnostic names the file.
import BlackboxCore
@testable import BlackboxStore
@testable import DockerEngine
@testable import Playbooks

private let failedAt: Int64 = 1_780_000_000_000_000_000
private let containerID = "c0ffee0000000000000000000000000000000000000000000000000000000001"

private let context: IncidentContext = {
    let die = EngineEvent(
        type: "container", action: "die", actorID: containerID,
        attributes: ["name": "app", "image": "example/app:1", "exitCode": "137", "com.docker.compose.project": "shop", "com.docker.compose.service": "app"],
        scope: "local", timeNano: failedAt,
        raw: #"{"Type":"container","Action":"die","Actor":{"ID":"c0ffee","Attributes":{"exitCode":"137","name":"app"}},"timeNano":1780000000000000000}"#)
    var record = EventRecord.engine(die)
    record.seq = 7
    let incident = IncidentState(
        id: 1, containerID: containerID, containerName: "app", image: "example/app:1", composeProject: "shop", composeService: "app",
        trigger: "die", triggers: #"["die"]"#, openedNanos: failedAt, lastNanos: failedAt, occurrences: 1, exitCode: 137,
        stableSinceNanos: nil, resolvedNanos: nil, resolution: nil, eventSeqs: "[7]", lastEventSeq: 7)
    let inspect = JSONValue.object([
        "Name": .string("/app"),
        "State": .object(["Status": .string("exited"), "ExitCode": .number(137), "OOMKilled": .bool(true), "Error": .string("")]),
        "Config": .object(["Image": .string("example/app:1"), "User": .string("1000"), "Env": .array([.string("PATH=/usr/bin")])]),
        "HostConfig": .object(["Memory": .number(268_435_456), "RestartPolicy": .object(["Name": .string("always")])]),
        "Mounts": .array([.object(["Type": .string("bind"), "Source": .string("/srv/data"), "Destination": .string("/data")])]),
    ])
    let lines = ["Starting app", "java.lang.OutOfMemoryError: Java heap space", "Error: connect ECONNREFUSED 127.0.0.1:5432"]
    return IncidentContext(
        incident: incident, events: [record], inspect: inspect, snapshots: [inspect],
        logLines: lines.enumerated().map { LogLine(stream: .stderr, timeNanos: failedAt - Int64(lines.count - $0.offset), text: $0.element) },
        samples: [], lookups: RecordedLookups(rows: [], store: nil, atNanos: failedAt))
}()

@Sendable func fuzzPlaybook(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    let (playbook, diagnostics) = PlaybookParser.parse(yaml: text, file: "fuzz.yaml")
    precondition(playbook != nil || !diagnostics.isEmpty, "a refused playbook says why")
    precondition(diagnostics.allSatisfy { $0.description.hasPrefix("fuzz.yaml:") }, "every diagnostic names the file")
    if let playbook {
        let matcher = PlaybookMatcher(playbooks: [playbook])
        _ = matcher.matches(context)
        _ = matcher.render(playbook, context)
    }
    _ = TemplateRenderer.render(text, values: ["exit_code": .number(137), "container": .string("app"), "memory": .number(268_435_456)])
}
