import BlackboxCore
import Playbooks
import Testing

/// `RestartPolicyOutcome` on the inspect snapshots the recorder took at each `die` of session
/// `restart-loop-unknown-cause` (Docker 20.10, `--restart on-failure:4` and `--restart always`).
struct RestartPolicyOutcomeTests {
    private func inspect(policy: String, maximum: Int, restarts: Int, status: String, exitCode: Int) -> JSONValue {
        .object([
            "HostConfig": .object(["RestartPolicy": .object(["Name": .string(policy), "MaximumRetryCount": .number(Double(maximum))])]),
            "RestartCount": .number(Double(restarts)),
            "State": .object(["Status": .string(status), "ExitCode": .number(Double(exitCode))]),
        ])
    }

    @Test func onFailureThatUsedItsRestartsGaveUp() throws {
        let outcome = try #require(RestartPolicyOutcome(inspect: inspect(policy: "on-failure", maximum: 4, restarts: 4, status: "exited", exitCode: 3)))
        #expect(outcome.gaveUp)
        #expect(outcome.label == "on-failure:4")
        #expect(outcome.summary == "restart policy on-failure:4, which gave up after 4 restarts: the container stays exited until started by hand")
    }

    @Test func theLastRestartIsNotGivingUp() throws {
        // The fourth failure of on-failure:4: RestartCount is already 4 but the engine restarts once more.
        let outcome = try #require(RestartPolicyOutcome(inspect: inspect(policy: "on-failure", maximum: 4, restarts: 4, status: "restarting", exitCode: 3)))
        #expect(!outcome.gaveUp)
        #expect(outcome.summary == "restart policy on-failure:4")
    }

    @Test func alwaysAndCleanExitsNeverGiveUp() throws {
        #expect(RestartPolicyOutcome(inspect: inspect(policy: "always", maximum: 0, restarts: 9, status: "exited", exitCode: 3))?.gaveUp == false)
        #expect(RestartPolicyOutcome(inspect: inspect(policy: "on-failure", maximum: 2, restarts: 2, status: "exited", exitCode: 0))?.gaveUp == false)
        #expect(RestartPolicyOutcome(inspect: inspect(policy: "on-failure", maximum: 0, restarts: 7, status: "exited", exitCode: 1))?.gaveUp == false)
        #expect(RestartPolicyOutcome(inspect: inspect(policy: "always", maximum: 0, restarts: 0, status: "running", exitCode: 0))?.label == "always")
    }

    @Test func anEmptyPolicyIsNoAndAMissingOneIsNil() {
        #expect(RestartPolicyOutcome(inspect: inspect(policy: "", maximum: 0, restarts: 0, status: "exited", exitCode: 1))?.name == "no")
        #expect(RestartPolicyOutcome(inspect: .object([:])) == nil)
        #expect(RestartPolicyOutcome(inspect: nil) == nil)
    }
}
