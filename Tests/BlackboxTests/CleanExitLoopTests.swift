import BlackboxStore
import Foundation
import Playbooks
import Testing

/// An exit 0 is a failure when the restart policy makes it a loop: the main process daemonizes (nginx without
/// `daemon off;`) or is a one-shot command under `--restart always`, and the engine starts it again and again
/// (dockerfile/nginx#1, rancher/rancher#7104). The fold opens the incident; `clean-exit-loop` explains it. A clean
/// exit under `no` or `on-failure`, a long run, or a stop that was asked for is no incident. In memory.
@Suite struct CleanExitLoopTests {
    /// `runs` runs of `seconds` each under `policy`, each ending in exit 0 and, but for the last, restarted by the
    /// policy (RestartCount counts those restarts, as the engine does).
    static func loop(policy: String, runs: Int, seconds: Double = 0.3, lines: [String] = ["Starting nginx: nginx."]) -> InMemoryHistory {
        var history = InMemoryHistory(name: "web")
        history.inspect = [
            "Config": ["Image": "web:1", "Cmd": ["sh", "-c", "nginx"], "Entrypoint": NSNull()],
            "HostConfig": ["RestartPolicy": ["Name": policy]], "RestartCount": 0,
        ]
        history.engine("create")
        for run in 0..<runs {
            history.inspect["RestartCount"] = run
            history.start()
            history.advance(seconds: seconds)
            history.die(0, log: lines, restarting: run < runs - 1 && policy != "no")
            history.advance(seconds: 0.1 * Double(1 << min(run, 6)))
        }
        return history
    }

    @Test func exitZeroOverAndOverUnderRestartAlwaysIsALoopExplainedAsSuch() throws {
        let history = Self.loop(policy: "always", runs: 5)
        #expect(history.incidents.count == 1)
        let incident = try #require(history.incidents.first)
        #expect(incident.trigger == "die")
        #expect(incident.exitCode == 0)
        // The third exit is the first after two restarts by the policy.
        #expect(incident.occurrences == 3)
        let (matches, diagnosed) = history.diagnose(incident)
        let best = try #require(matches[diagnosed].first)
        #expect(best.playbook.id == "clean-exit-loop")
        #expect(best.diagnosis.contains("keeps exiting with code 0"), "\(best.diagnosis)")
        #expect(best.diagnosis.contains("restart policy always starts it again, over and over (the engine's RestartCount at this exit: 2)"), "\(best.diagnosis)")
        #expect(best.diagnosis.contains("its command: sh, -c, nginx"), "\(best.diagnosis)")
        #expect(best.diagnosis.contains("Its last line before exiting: Starting nginx: nginx."))
        #expect(best.fix.contains("nginx -g 'daemon off;'"))
        #expect(best.fix.contains("docker update --restart no web"))
        #expect(!best.diagnosis.contains("unknown") && !best.fix.contains("unknown"))
        #expect(!matches.joined().contains { $0.playbook.id == "unrecognised-exit" })
    }

    @Test func aCleanExitThatIsNoLoopOpensNothing() {
        #expect(Self.loop(policy: "no", runs: 5).incidents.isEmpty, "without a restart policy an exit 0 is a finished job")
        #expect(Self.loop(policy: "always", runs: 2).incidents.isEmpty, "two runs are not yet a loop")
        #expect(Self.loop(policy: "always", runs: 5, seconds: 30).incidents.isEmpty, "runs of 30 s are a service that ends, not a loop")
        #expect(Self.loop(policy: "on-failure", runs: 5).incidents.isEmpty, "on-failure does not restart an exit 0")
        // `docker stop` of a container that obeys SIGTERM with exit 0, under always, after restarts.
        var stopped = Self.loop(policy: "always", runs: 2)
        stopped.inspect["RestartCount"] = 2
        stopped.start()
        stopped.advance(seconds: 1)
        stopped.engine("kill", signal: "15")
        stopped.die(0)
        #expect(stopped.incidents.isEmpty, "a stop that was asked for is no failure")
    }
}
