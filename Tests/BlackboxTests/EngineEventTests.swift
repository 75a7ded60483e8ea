import DockerEngine
import Foundation
import Testing

@Suite struct EngineEventTests {
    @Test func decodesEveryCapturedEventAndKeepsItVerbatim() throws {
        let lines = try Fixtures.eventLines()
        #expect(lines.count > 30)
        for line in lines {
            let event = try EngineEvent.decode(line: line)
            #expect(event.raw == String(decoding: line, as: UTF8.self))
            #expect(event.timeNano > 1_700_000_000_000_000_000)
        }
    }

    @Test func readsTheFieldsOfLifecycleEvents() throws {
        let events = try Fixtures.eventLines().map { try EngineEvent.decode(line: $0) }
        let oomDie = try #require(events.first { $0.action == "die" && $0.containerName == "fx-oom" })
        #expect(oomDie.exitCode == 137)
        #expect(oomDie.type == "container")
        #expect(oomDie.containerID == oomDie.actorID)
        #expect(events.contains { $0.action == "oom" && $0.containerName == "fx-oom" })

        let unhealthy = try #require(events.first { $0.action.hasPrefix("health_status") })
        #expect(unhealthy.action == "health_status: unhealthy")
        #expect(unhealthy.baseAction == "health_status")
        #expect(unhealthy.actionDetail == "unhealthy")

        let exec = try #require(events.first { $0.baseAction == "exec_start" })
        #expect(exec.actionDetail == "/bin/sh -c exit 1")

        let disconnect = try #require(events.first { $0.type == "network" && $0.action == "disconnect" })
        #expect(disconnect.containerID == disconnect.attributes["container"])
        #expect(disconnect.containerID != disconnect.actorID)
    }

    @Test func acceptsUnknownTypesActionsAndFields() throws {
        let line = #"{"Type":"plugin","Action":"frobnicate: now","Actor":{"ID":"p1","Attributes":{"x":"y"}},"scope":"local","time":1,"timeNano":1000000001,"extra":{"nested":[1,2]}}"#
        let event = try EngineEvent.decode(line: Array(line.utf8))
        #expect(event.type == "plugin")
        #expect(event.baseAction == "frobnicate")
        #expect(event.containerID == nil)
        #expect(event.timeNano == 1_000_000_001)
    }

    @Test func namesWhatIsWrongWithABadLine() {
        #expect(throws: EventDecodingError.invalidUTF8) { try EngineEvent.decode(line: [0x7B, 0xFF, 0xFE, 0x7D]) }
        #expect(throws: EventDecodingError.missingField("Type")) { try EngineEvent.decode(line: Array(#"{"Action":"die","time":1}"#.utf8)) }
        #expect(throws: EventDecodingError.missingField("timeNano")) {
            try EngineEvent.decode(line: Array(#"{"Type":"container","Action":"die"}"#.utf8))
        }
        do {
            _ = try EngineEvent.decode(line: Array(#"{"Type":"container","Action":"die","timeNano":"soon"}"#.utf8))
            Issue.record("a string timeNano was accepted")
        } catch {
            guard case .wrongFieldType(let field, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(field == "timeNano")
        }
        #expect(throws: EventDecodingError.unknownType("gizmo")) {
            try EngineEvent.decode(line: Array(#"{"Type":"gizmo","Action":"die","timeNano":1}"#.utf8))
        }
        #expect(throws: EventDecodingError.invalidJSON("not a JSON object")) { try EngineEvent.decode(line: Array("[1,2]".utf8)) }
        #expect {
            try EngineEvent.decode(line: Array(#"{"Type":"container","Action":"die","timeNano":1,"Actor":{"ID":"c","Attributes":{"exitCode":1}}}"#.utf8))
        } throws: { error in
            guard case EventDecodingError.wrongFieldType(let field, _) = error else { return false }
            return field == "Actor.Attributes.exitCode"
        }
    }

    @Test func deduplicationKeyIsStableAcrossRedeliveries() throws {
        let line = try #require(Fixtures.eventLines().first)
        #expect(try EngineEvent.decode(line: line).deduplicationKey == EngineEvent.decode(line: line).deduplicationKey)
    }
}
