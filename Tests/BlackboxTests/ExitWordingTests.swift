@testable import BlackboxCLI
import BlackboxStore
import DockerEngine
import Foundation
import Playbooks
import Testing

/// What the diagnosis says an exit code means and what the container printed, where the code alone would mislead.
@Suite struct ExitWordingTests {
    /// Exit 128 is the engine's for a start that failed, and the program's own after a run (git exits 128 on a
    /// fatal error): a container that ran is not said to have failed to start.
    @Test func exit128AfterARunIsTheProgramsOwnCode() throws {
        #expect(ExitCode.meaning(128) == "the container failed to start")
        var history = InMemoryHistory(name: "sync")
        history.inspect = ["Config": ["Image": "app:1"], "HostConfig": ["RestartPolicy": ["Name": "no"]]]
        history.start()
        history.advance(seconds: 5)
        history.die(128, log: ["fatal: not a git repository (or any of the parent directories): .git"])
        let incident = try #require(history.incidents.first)
        let match = try #require(history.diagnose(incident).perOccurrence.first?.first)
        #expect(!match.diagnosis.contains("failed to start"), "\(match.diagnosis)")
        #expect(match.diagnosis.contains("exited with code 128"), "\(match.diagnosis)")
    }

    /// An exit whose log tail the store does not hold (the recorder was down, the rows came from elsewhere) is not an
    /// exit that printed nothing: the diagnosis says which of the two it is.
    @Test func anExitWithoutARecordedTailIsNotSaidToHavePrintedNothing() throws {
        func diagnosis(recordTail: Bool) throws -> String {
            var history = InMemoryHistory(name: "web")
            history.inspect = ["Config": ["Image": "app:1"], "HostConfig": ["RestartPolicy": ["Name": "no"]]]
            history.start()
            history.advance(seconds: 2)
            if recordTail {
                history.die(3)
            } else {
                let key = history.engine("die", exitCode: 3)
                history.snapshot(trigger: key, state: ["Status": "exited", "Running": false, "ExitCode": 3])
            }
            let incident = try #require(history.incidents.first)
            let match = try #require(history.diagnose(incident).perOccurrence.first?.first)
            #expect(match.playbook.id == "unrecognised-exit")
            return match.diagnosis
        }
        let untold = try diagnosis(recordTail: false)
        #expect(!untold.contains("printed nothing"), "\(untold)")
        #expect(untold.contains("holds no log tail"), "\(untold)")
        let silent = try diagnosis(recordTail: true)
        #expect(silent.contains("It printed nothing before it exited."), "\(silent)")
    }
}
