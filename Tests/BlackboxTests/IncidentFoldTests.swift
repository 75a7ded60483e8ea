import BlackboxStore
import DockerEngine
import Foundation
import Playbooks
import Testing

/// The incident fold on hand-made lifecycles; times are seconds from 0.
@Suite struct IncidentFoldTests {
    private static let second: Int64 = 1_000_000_000

    /// Folds `container` events `(second, action, exitCode, signal)` with the pure fold, in memory, and returns the
    /// incidents, oldest first (by their latest trigger, as the store lists them).
    private func incidents(_ steps: [(Int64, String, Int?, String?)], policy: IncidentPolicy = IncidentPolicy()) throws -> [IncidentState] {
        var fold = PureFold(policy: policy)
        for (index, (time, action, exitCode, signal)) in steps.enumerated() {
            let payload = String(decoding: try JSONEncoder().encode(["Type": "container", "Action": action]), as: UTF8.self)
            var event = EventRecord(
                timeNanos: time * Self.second, kind: .engine, type: "container", action: action, actorID: "c1", containerID: "c1",
                containerName: "web", image: "busybox", exitCode: exitCode, signal: signal, deduplicationKey: "k\(index)", payload: payload)
            event.seq = Int64(index + 1)
            fold.fold(event)
        }
        return fold.incidents.sorted { ($0.lastNanos, $0.id ?? 0) < ($1.lastNanos, $1.id ?? 0) }
    }

    @Test func aRestartLoopIsOneIncidentWithManyOccurrences() throws {
        var steps: [(Int64, String, Int?, String?)] = [(0, "create", nil, nil)]
        for attempt in 0..<5 {
            steps.append((Int64(attempt) * 2 + 1, "start", nil, nil))
            steps.append((Int64(attempt) * 2 + 2, "die", 3, nil))
        }
        let found = try incidents(steps)
        #expect(found.count == 1)
        #expect(found.first?.occurrences == 5)
        #expect(found.first?.openedNanos == 2 * Self.second)
        #expect(found.first?.lastNanos == 10 * Self.second)
        #expect(found.first?.exitCode == 3)
    }

    @Test func anOOMAndItsDieAreOneOccurrence() throws {
        let found = try incidents([(0, "start", nil, nil), (5, "oom", nil, nil), (5, "oom", nil, nil), (6, "die", 137, nil)])
        #expect(found.count == 1)
        #expect(found.first?.occurrences == 1)
        #expect(found.first?.trigger == "oom")
        #expect(found.first?.triggerKinds == ["oom", "die"])
        #expect(found.first?.seqs.count == 3)
    }

    @Test func aStopThatWasObeyedIsNoIncident() throws {
        #expect(try incidents([(0, "start", nil, nil), (5, "kill", nil, "15"), (5, "die", 143, nil)]).isEmpty)
        #expect(try incidents([(0, "start", nil, nil), (5, "kill", nil, "9"), (5, "die", 137, nil)]).isEmpty)
        #expect(try incidents([(0, "start", nil, nil), (5, "die", 0, nil)]).isEmpty)
    }

    @Test func aStopThatTimedOutIsAnIncident() throws {
        let found = try incidents([(0, "start", nil, nil), (5, "kill", nil, "15"), (15, "kill", nil, "9"), (15, "die", 137, nil)])
        #expect(found.map(\.trigger) == ["stop_timeout"])
    }

    @Test func aFailureAfterAStableRunOpensANewIncident() throws {
        let policy = IncidentPolicy(resolveAfterNanos: 60 * Self.second)
        let found = try incidents(
            [
                (0, "start", nil, nil), (1, "die", 1, nil), (2, "start", nil, nil), (100, "die", 1, nil), (101, "start", nil, nil),
                (110, "die", 2, nil), (111, "start", nil, nil),
            ],
            policy: policy)
        #expect(found.count == 2)
        #expect(found.first?.resolvedNanos == 62 * Self.second)
        #expect(found.first?.resolution == "ran_stable")
        #expect(found.last?.occurrences == 2)
        // Dead or freshly restarted, it stays open; running a minute after its restart, it has resolved.
        #expect(found.last?.status(now: 150 * Self.second, policy: policy) == .open)
        #expect(found.last?.status(now: 200 * Self.second, policy: policy) == .resolved)
    }

    @Test func removalResolves() throws {
        let found = try incidents([(0, "start", nil, nil), (1, "die", 1, nil), (30, "destroy", nil, nil)])
        #expect(found.first?.resolvedNanos == 30 * Self.second)
        #expect(found.first?.resolution == "removed")
    }

    @Test func theLogTailOfARemovedContainerStillJoinsItsIncident() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        for (index, (time, action, exitCode)) in [(Int64(0), "start", Int?.none), (1, "die", 1), (2, "destroy", nil)].enumerated() {
            try store.append(
                EventRecord(
                    timeNanos: time * Self.second, kind: .engine, type: "container", action: action, actorID: "c1", containerID: "c1",
                    containerName: "rm", exitCode: exitCode, deduplicationKey: "k\(index)", payload: "{}"))
        }
        // Requested at the die, stored after the removal: `--rm`.
        let tail = try #require(
            try store.append(
                .logTail(
                    containerID: "c1", containerName: "rm", lines: [LogLine(stream: .stderr, timeNanos: nil, text: "Permission denied")],
                    failure: nil, timeNanos: Self.second + 1, trigger: "k1")))
        let incident = try #require(try store.incidents().first)
        #expect(incident.resolution == "removed")
        #expect(incident.seqs.contains(tail))
        #expect(try store.incidents(touchedSince: tail).map(\.id) == [incident.id])
    }

    @Test func anExitFoundByAScanOpensAReconciledIncidentOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        let inspect = try ContainerInspect.decode(Fixtures.data("inspect-fx-oom.json"))
        try store.append(
            EventRecord(
                timeNanos: 1, kind: .engine, type: "container", action: "start", actorID: inspect.id, containerID: inspect.id,
                containerName: inspect.name, deduplicationKey: "start", payload: "{}"))
        #expect(try store.container(inspect.id)?.status == "running")
        // As the recorder's scan does: the snapshot, then the reconciled exit.
        try store.append(.inspect(inspect, redactedJSON: try Fixtures.data("inspect-fx-oom.json"), timeNanos: 2, trigger: nil))
        #expect(try store.append(.reconciledExit(inspect, timeNanos: 2)) != nil)
        #expect(try store.append(.reconciledExit(inspect, timeNanos: 3)) == nil)
        let container = try #require(try store.container(inspect.id))
        #expect(container.status == "exited")
        #expect(container.exitCode == 137)
        #expect(container.oomKilled)
        let incident = try #require(try store.incidents().first)
        #expect(incident.trigger == "reconciled")
        let matches = PlaybookMatcher(playbooks: PlaybookLibrary.builtIn.playbooks).matches(
            try IncidentContext.load(incident, from: store, lookups: NoLookups()))
        #expect(matches.first?.first?.playbook.id == "oom-kill")
    }

    @Test func anOOMOfAChildResolvesOnceTheContainerHasRunStably() throws {
        let policy = IncidentPolicy(resolveAfterNanos: 60 * Self.second)
        let found = try incidents([(0, "start", nil, nil), (10, "oom", nil, nil)], policy: policy)
        #expect(found.first?.trigger == "oom")
        #expect(found.first?.status(now: 30 * Self.second, policy: policy) == .open)
        #expect(found.first?.status(now: 80 * Self.second, policy: policy) == .resolved)
    }

    @Test func replayingTheLogRebuildsIdenticalIncidentsAndContainers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try EventStore(path: directory.storePath)
        try FixtureSession.record(into: store)
        let incidents = try store.incidents()
        let containers = try store.containers()
        #expect(incidents.count >= 4)
        try store.rebuildProjections()
        #expect(try store.incidents() == incidents)
        #expect(try store.containers() == containers)
    }
}
