import BlackboxStore
import Foundation
import Playbooks
import Testing

/// Pressure opens an incident of its own (warning) with no `die`; it resolves when the pressure has ended for the
/// policy's window or the container is removed; a failure while it is open is an incident of its own, with the
/// pressure in its evidence. In memory: the pure fold, the window split and the built-in playbooks.
@Suite struct PressureFoldTests {
    static let mib = 1_048_576.0
    nonisolated(unsafe) static let limited: [String: Any] = [
        "Config": ["Image": "app:1", "Cmd": ["app"]],
        "HostConfig": ["RestartPolicy": ["Name": "no"], "Memory": 33_554_432, "NanoCpus": 100_000_000, "PidsLimit": 20],
    ]

    static func running(_ name: String) -> InMemoryHistory {
        var history = InMemoryHistory(name: name)
        history.inspect = limited
        history.engine("create")
        history.start()
        history.advance(seconds: 10)
        return history
    }

    @Test func memoryPressureOpensAWarningWithoutADieAndResolvesAfterItEnds() throws {
        var history = Self.running("cache")
        history.pressure(.memory, .start, value: 30 * Self.mib, limit: 32 * Self.mib)
        let incident = try #require(history.incidents.first)
        #expect(history.incidents.count == 1)
        #expect(incident.trigger == "memory_pressure")
        #expect(incident.exitCode == nil)
        #expect(incident.status(now: history.now + 3_600_000_000_000, policy: IncidentPolicy()) == .open)
        let (matches, diagnosed) = history.diagnose(incident)
        let best = try #require(matches[diagnosed].first)
        #expect(best.playbook.id == "memory-near-limit")
        #expect(best.playbook.severity == .warning)
        #expect(best.diagnosis.contains("30MiB, 94 % of its memory limit of 32MiB"))
        #expect(best.fix.contains("docker update --memory 64m --memory-swap 64m cache"))
        #expect(best.fix.contains("mem_limit: 64m"))
        history.advance(seconds: 30)
        history.pressure(.memory, .end, value: 20 * Self.mib, limit: 32 * Self.mib)
        let ended = try #require(history.incidents.first)
        #expect(ended.stableSinceNanos == history.now - 1_000_000)
        #expect(ended.status(now: history.now + 299_000_000_000, policy: IncidentPolicy()) == .open)
        #expect(ended.status(now: history.now + 301_000_000_000, policy: IncidentPolicy()) == .resolved)
        #expect(history.incidents.count == 1)
    }

    @Test func pressureEndingWhileAnotherResourceIsStillUnderPressureKeepsItOpen() throws {
        var history = Self.running("forker")
        history.pressure(.pids, .start, value: 19, limit: 20)
        history.pressure(.memory, .start, value: 30 * Self.mib, limit: 32 * Self.mib, active: [.memory, .pids])
        history.pressure(.memory, .end, value: 10 * Self.mib, limit: 32 * Self.mib, active: [.pids])
        let incident = try #require(history.incidents.first)
        #expect(history.incidents.count == 1)
        #expect(incident.occurrences == 1)
        #expect(incident.triggerKinds == ["pids_pressure", "memory_pressure"])
        #expect(incident.stableSinceNanos == nil)
        // Both resources are one occurrence: each playbook explains its own, the tie goes by id.
        let matches = try #require(history.diagnose(incident).perOccurrence.first)
        #expect(matches.map(\.playbook.id) == ["memory-near-limit", "pids-near-limit"])
        let best = matches[1]
        #expect(best.diagnosis.contains("19 processes and threads, 95 % of its process limit of 20"))
        #expect(best.fix.contains("docker update --pids-limit 40 forker"))
    }

    @Test func pressureAgainAfterItEndedIsAnotherOccurrence() throws {
        var history = Self.running("burner")
        history.pressure(.cpu, .start, value: 1, limit: 0.1)
        history.advance(seconds: 20)
        history.pressure(.cpu, .end, value: 0, limit: 0.1)
        history.advance(seconds: 60)
        history.pressure(.cpu, .start, value: 0.9, limit: 0.1)
        let incident = try #require(history.incidents.first)
        #expect(history.incidents.count == 1)
        #expect(incident.occurrences == 2)
        #expect(incident.stableSinceNanos == nil)
        let matches = history.diagnose(incident).perOccurrence
        #expect(matches.map { $0.first?.playbook.id } == ["cpu-throttled", "cpu-throttled"])
        #expect(matches[1].first?.diagnosis.contains("90 % of the scheduler's periods (60 of 60)") == true)
        #expect(matches[1].first?.fix.contains("docker update --cpus 0.2 burner") == true)
    }

    @Test func anOOMKillWhileUnderMemoryPressureIsItsOwnIncidentWithThePressureInItsEvidence() throws {
        var history = Self.running("importer")
        history.pressure(.memory, .start, value: 31 * Self.mib, limit: 32 * Self.mib)
        history.advance(seconds: 4)
        history.engine("oom")
        history.die(137, log: ["loading index"], oomKilled: true)
        #expect(history.incidents.count == 2)
        let pressure = history.incidents[0]
        #expect(pressure.resolution == "superseded")
        #expect(pressure.resolvedNanos != nil)
        let oom = history.incidents[1]
        #expect(oom.trigger == "oom")
        #expect(oom.triggerKinds == ["oom", "die"])
        #expect(oom.exitCode == 137)
        let best = try #require(history.diagnose(oom).perOccurrence.first?.first)
        #expect(best.playbook.id == "oom-kill")
        #expect(best.diagnosis.contains("Before the kill, blackbox had recorded memory pressure: the working set at 97 % of the limit"))
        let evidence = Dictionary(best.evidence.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(evidence["memory_pressure_ratio"]?.numberValue.map { abs($0 - 31.0 / 32) < 0.001 } == true)
    }

    @Test func aKernelOOMKillUnderMemoryPressureIsStillAnOOMKillWhenTheEngineSaysNothing() throws {
        var history = Self.running("importer")
        history.pressure(.memory, .start, value: 31 * Self.mib, limit: 32 * Self.mib)
        history.advance(seconds: 3)
        let counters = #"{"cgroup":"v1","file":"/sys/fs/cgroup/memory/docker/x/memory.oom_control","mem_limit_hits_after":3,"mem_limit_hits_before":0,"oom_kills_after":1,"oom_kills_before":0,"read_at":"notification","started_ns":1}"#
        history.append(
            EventRecord(
                timeNanos: history.now, kind: .kernelOOM, containerID: history.containerID, containerName: "importer", image: "app:1",
                deduplicationKey: "kernel_oom|\(history.containerID)|1|1", payload: counters))
        history.advance(seconds: 0.05)
        history.die(137, log: ["loading index"], oomKilled: false)
        #expect(history.incidents.map(\.trigger) == ["memory_pressure", "oom"])
        let oom = history.incidents[1]
        #expect(oom.triggerKinds == ["oom", "die"])
        let best = try #require(history.diagnose(oom).perOccurrence.first?.first)
        #expect(best.playbook.id == "oom-kill", "not killed: the kernel's counter says it was the OOM killer")
        #expect(best.diagnosis.contains("Before the kill, blackbox had recorded memory pressure"))
    }

    @Test func aFailureIncidentStillOpenTakesThePressureIntoItsRowsInsteadOfOpeningAnother() throws {
        var history = Self.running("looper")
        history.die(1, log: ["fatal: boom"], restarting: true)
        history.start()
        history.advance(seconds: 5)
        history.pressure(.memory, .start, value: 30 * Self.mib, limit: 32 * Self.mib)
        #expect(history.incidents.count == 1)
        let incident = history.incidents[0]
        #expect(incident.trigger == "die")
        #expect(incident.occurrences == 1)
        #expect(incident.seqs.contains(try #require(history.events.last?.seq)))
    }

    @Test func aStopAndARemovalEndAPressureIncident() throws {
        var history = Self.running("stopped")
        history.pressure(.memory, .start, value: 30 * Self.mib, limit: 32 * Self.mib)
        history.advance(seconds: 3)
        history.engine("kill", signal: "15")
        history.die(143)
        let stopped = try #require(history.incidents.first)
        #expect(history.incidents.count == 1)
        #expect(stopped.stableSinceNanos != nil)
        history.engine("destroy")
        #expect(history.incidents.first?.resolution == "removed")
    }

    @Test func anErrorBurstOpensAWarningDiagnosedWithItsMostInformativeLine() throws {
        var history = Self.running("worker")
        history.errorBurst(.start, [
            "job 1 failed", "job 2 failed", "    at Worker.run (/app/worker.js:40:11)",
            "ERROR could not connect to redis:6379: connection refused", "job 3 failed",
        ])
        let incident = try #require(history.incidents.first)
        #expect(incident.trigger == "error_burst")
        #expect(incident.exitCode == nil)
        let best = try #require(history.diagnose(incident).perOccurrence.first?.first)
        #expect(best.playbook.id == "error-burst")
        #expect(best.playbook.severity == .warning)
        #expect(best.diagnosis.contains("wrote a burst of 5 error lines (5 or more within 10.0s)"))
        #expect(best.diagnosis.contains("the most informative: ERROR could not connect to redis:6379: connection refused"))
        #expect(best.fix.contains("docker logs --since 10m worker"))
        history.advance(seconds: 40)
        history.errorBurst(.end, [])
        #expect(history.incidents.first?.stableSinceNanos == history.now - 1_000_000)
    }

    @Test func anIdleContainerOpensNothing() {
        var history = Self.running("idle")
        history.advance(seconds: 600)
        history.engine("kill", signal: "15")
        history.die(143)
        #expect(history.incidents.isEmpty)
    }
}
