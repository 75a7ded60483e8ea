@testable import BlackboxCLI
import BlackboxStore
import Foundation
import Playbooks
import Testing

/// An incident of a compose service carries its compose context: its files, its dependencies (from the
/// `com.docker.compose.depends_on` label of compose v2, else from the compose file, as compose v1 sets no such label),
/// and the dependency's incident just before it.
@Suite struct ComposeContextTests {
    private func record(labels: (ComposeFixture) -> [String: String]) throws -> (ComposeFixture, EventStore, IncidentState, IncidentState) {
        let fixture = try ComposeFixture()
        let store = try EventStore(path: fixture.directory.storePath)
        var history = ComposeHistory(store: store, project: "shop")
        let db = try history.start("db", hostConfig: ["Memory": 67_108_864])
        let api = try history.start("api", labels: labels(fixture))
        try history.engine(db, "oom")
        try history.engine(db, "die", exitCode: 137)
        history.pass(2_000_000_000)
        try history.engine(api, "die", exitCode: 1)
        let dbIncident = try #require(try store.incidents(project: "shop", service: "db").first)
        let apiIncident = try #require(try store.incidents(project: "shop", service: "api").first)
        return (fixture, store, dbIncident, apiIncident)
    }

    @Test func v1ContainersTakeTheirDependenciesFromTheComposeFile() throws {
        let (fixture, store, dbIncident, apiIncident) = try record { fixture in
            ["com.docker.compose.project.working_dir": fixture.path, "com.docker.compose.project.config_files": "compose.yaml"]
        }
        defer { fixture.directory.remove() }
        let context = try IncidentContext.load(apiIncident, from: store, lookups: NoLookups())
        let compose = try #require(context.compose)
        #expect(compose.configFiles == [fixture.path + "/compose.yaml"])
        #expect(compose.dependsOn == ["db"])
        #expect(compose.dependenciesSource == "compose file")
        #expect(compose.dependsOnLocation == fixture.path + "/compose.yaml:19")
        #expect(compose.precedingIncidents.map(\.id) == [dbIncident.id])

        let report = IncidentReport(
            incident: apiIncident, matches: [], occurrenceMatches: [:], evidence: context, policy: store.incidentPolicy, now: apiIncident.lastNanos
        ).render()
        #expect(report.contains("compose      project shop, service api (\(fixture.path)/compose.yaml)"))
        #expect(report.contains("depends on   db (from the compose file)"))
        #expect(report.contains("after        db had incident \(dbIncident.id ?? 0) (oom, die) 2.0s before: `blackbox incident show \(dbIncident.id ?? 0)`"))
    }

    /// The compose parser reads the files: a later file's `depends_on` replaces the earlier one's, and the fix points
    /// at the file whose value won.
    @Test func theLastFileThatWritesDependsOnIsWhereTheFixGoes() throws {
        let (fixture, store, _, apiIncident) = try record { fixture in
            ["com.docker.compose.project.working_dir": fixture.path, "com.docker.compose.project.config_files": "compose.yaml,override.yaml"]
        }
        defer { fixture.directory.remove() }
        try "services:\n  api:\n    depends_on:\n      db:\n        condition: service_healthy\n      cache:\n        condition: service_started\n"
            .write(toFile: fixture.path + "/override.yaml", atomically: true, encoding: .utf8)
        let compose = try #require(try IncidentContext.load(apiIncident, from: store, lookups: NoLookups()).compose)
        #expect(compose.dependsOn == ["db", "cache"])
        #expect(compose.dependsOnLocation == fixture.path + "/override.yaml:3")
    }

    @Test func v2ContainersNameTheirDependenciesInALabel() throws {
        let (fixture, store, _, apiIncident) = try record { _ in ["com.docker.compose.depends_on": "db:service_healthy:false,cache:service_started:true"] }
        defer { fixture.directory.remove() }
        let compose = try #require(try IncidentContext.load(apiIncident, from: store, lookups: NoLookups()).compose)
        #expect(compose.dependsOn == ["db", "cache"])
        #expect(compose.dependenciesSource == "label")
        #expect(compose.configFiles.isEmpty)
    }

    @Test func aServiceThatFailsRightAfterItsDependencyIsDiagnosedByTheDependency() throws {
        let (fixture, store, dbIncident, apiIncident) = try record { _ in ["com.docker.compose.depends_on": "db:service_started:false"] }
        defer { fixture.directory.remove() }
        let evidence = try IncidentContext.load(apiIncident, from: store, lookups: NoLookups())
        #expect(evidence.compose?.dependencies.map(\.service) == ["db"])
        #expect(evidence.compose?.dependencies.first?.status == "exited")
        #expect(evidence.compose?.dependencies.first?.condition == "service_started")
        let best = PlaybookMatcher(playbooks: PlaybookLibrary.builtIn.playbooks).matches(evidence.occurrences[0]).first
        #expect(best?.playbook.id == "dependency-failed-first")
        #expect(best?.diagnosis.contains("the service it depends on, db, failed (exited, incident \(dbIncident.id ?? 0) (oom, die))") == true, "\(best?.diagnosis ?? "")")
        #expect(best?.fix.contains("`blackbox incident show \(dbIncident.id ?? 0)`") == true, "\(best?.fix ?? "")")
        let dbEvidence = try IncidentContext.load(dbIncident, from: store, lookups: NoLookups())
        #expect(dbEvidence.compose?.followingIncidents.map(\.id) == [apiIncident.id], "linked both ways")
        let report = IncidentReport(
            incident: dbIncident, matches: [], occurrenceMatches: [:], evidence: dbEvidence, policy: store.incidentPolicy, now: apiIncident.lastNanos
        ).render()
        #expect(report.contains("followed by  api had incident \(apiIncident.id ?? 0) (die) 2.0s after: `blackbox incident show \(apiIncident.id ?? 0)`"), "\(report)")
    }

    @Test func aServiceThatCannotConnectToADependencyThatIsNotReadyIsToldToWaitForItsHealth() throws {
        let fixture = try ComposeFixture()
        defer { fixture.directory.remove() }
        let store = try EventStore(path: fixture.directory.storePath)
        var history = ComposeHistory(store: store, project: "shop")
        let db = try history.start("db")
        try history.engine(db, "die", exitCode: 0)
        let api = try history.start("api", labels: ["com.docker.compose.depends_on": "db:service_started:false"])
        history.pass(1_000_000_000)
        try history.engine(api, "die", exitCode: 1)
        try history.logTail(api, ["psycopg2.OperationalError: could not connect to server: Connection refused", "\tIs the server running on host \"db\"?"])
        let incident = try #require(try store.incidents(project: "shop", service: "api").first)
        #expect(try store.incidents(project: "shop", service: "db").isEmpty, "a clean exit of the dependency is no incident of its own")
        let evidence = try IncidentContext.load(incident, from: store, lookups: NoLookups())
        let best = try #require(PlaybookMatcher(playbooks: PlaybookLibrary.builtIn.playbooks).matches(evidence.occurrences[0]).first)
        #expect(best.playbook.id == "dependency-not-ready")
        #expect(best.diagnosis.contains("which was not ready when it failed (exited)"), "\(best.diagnosis)")
        #expect(best.diagnosis.contains("It waits only for `service_started`"), "\(best.diagnosis)")
        #expect(best.fix.contains("`depends_on: {db: {condition: service_healthy}}`"), "\(best.fix)")
    }
}
