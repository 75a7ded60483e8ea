import BlackboxStore
import DockerEngine
import Foundation
import Testing

/// The captured engine session (`Fixtures/events.jsonl` and the inspect snapshots) appended to a store as the
/// recorder would: each event, an inspect snapshot after each `die` and `health_status`, and the port conflict's
/// start failure.
enum FixtureSession {
    static let containers = ["fx-ok", "fx-oom", "fx-conflict", "fx-noexec", "fx-limited", "fx-health", "fx-tty"]

    static func record(into store: EventStore) throws {
        let redactor = CredentialRedactor()
        var snapshots: [String: Data] = [:]
        for name in containers {
            let json = try Fixtures.data("inspect-\(name).json")
            snapshots[try ContainerInspect.decode(json).id] = json
        }
        var lastTime: Int64 = 0
        for line in try Fixtures.eventLines() {
            let event = redactor.redact(try EngineEvent.decode(line: line))
            lastTime = max(lastTime, event.timeNano)
            try store.append(.engine(event))
            if event.baseAction == "die" || event.baseAction == "health_status", let id = event.containerID, let json = snapshots[id] {
                let inspect = try ContainerInspect.decode(json)
                try store.append(
                    .inspect(inspect, redactedJSON: try #require(redactor.redactInspect(json)), timeNanos: event.timeNano + 1, trigger: event.deduplicationKey))
            }
        }
        for name in ["fx-conflict", "fx-noexec"] {
            let json = try Fixtures.data("inspect-\(name).json")
            let inspect = try ContainerInspect.decode(json)
            lastTime += 1_000_000
            try store.append(.inspect(inspect, redactedJSON: try #require(redactor.redactInspect(json)), timeNanos: lastTime, trigger: "fixture-\(name)"))
            try store.append(.startFailure(inspect, timeNanos: lastTime, trigger: "fixture-\(name)"))
        }
    }
}
