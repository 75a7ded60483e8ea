import DockerEngine
import Foundation
@testable import Recorder
import Testing

/// Which inspect states are failed starts, whatever the container's history, and which of them are new (issue 17).
/// The states are the ones Docker 20.10 showed here after each refused start (see ``EngineStartFailureTests``).
@Suite struct StartFailureCheckTests {
    static func state(_ status: String, running: Bool = false, exitCode: Int, error: String, finished: String = "0001-01-01T00:00:00Z") throws
        -> ContainerInspect.State
    {
        let json = """
            {"Status":"\(status)","Running":\(running),"ExitCode":\(exitCode),"Error":"\(error)",\
            "StartedAt":"2026-12-02T01:12:53.489104253Z","FinishedAt":"\(finished)"}
            """
        return try JSONDecoder().decode(ContainerInspect.State.self, from: Data(json.utf8))
    }

    static let portTaken = "driver failed programming external connectivity on endpoint p1 (438f…): Bind for 0.0.0.0:18098 failed: port is already allocated"
    static let mountRefused = "failed to create shim task: OCI runtime create failed: … not a directory: unknown"

    @Test func aContainerThatRanBeforeAndKeepsItsOldExitIsAFailedStart() throws {
        // A restart into a taken port: still `exited` with the last run's code, the refusal in State.Error.
        let state = try Self.state("exited", exitCode: 3, error: Self.portTaken, finished: "2026-12-02T01:12:53.497086849Z")
        #expect(StartFailureCheck.shows(state))
        #expect(StartFailureCheck.isNew(state, recorded: nil, storedError: nil))
        #expect(!StartFailureCheck.isNew(state, recorded: nil, storedError: Self.portTaken), "the store recorded this one already")
    }

    @Test func aNewContainerThatNeverStartedIsOneToo() throws {
        let state = try Self.state("created", exitCode: 128, error: Self.portTaken)
        #expect(StartFailureCheck.shows(state))
        #expect(StartFailureCheck.isNew(state, recorded: nil, storedError: nil))
    }

    @Test func runningOrNoErrorIsNoFailedStart() throws {
        #expect(!StartFailureCheck.shows(try Self.state("exited", exitCode: 3, error: "")))
        #expect(!StartFailureCheck.shows(try Self.state("running", running: true, exitCode: 0, error: Self.portTaken)))
    }

    @Test func theSameRefusalAgainIsNewWhenItsFinishedAtMoved() throws {
        let first = try Self.state("exited", exitCode: 127, error: Self.mountRefused, finished: "2026-12-02T01:13:03.528115399Z")
        let recorded = StartFailureCheck.Recorded(error: first.error, finishedNanos: first.finishedAtNanos)
        #expect(!StartFailureCheck.isNew(first, recorded: recorded, storedError: nil), "seen again by the sweep: the same failure")
        let again = try Self.state("exited", exitCode: 127, error: Self.mountRefused, finished: "2026-12-02T01:13:09.365255279Z")
        #expect(StartFailureCheck.isNew(again, recorded: recorded, storedError: Self.mountRefused))
        let otherText = try Self.state("exited", exitCode: 127, error: "network 4298 not found", finished: "2026-12-02T01:13:03.528115399Z")
        #expect(StartFailureCheck.isNew(otherText, recorded: recorded, storedError: nil))
    }
}
