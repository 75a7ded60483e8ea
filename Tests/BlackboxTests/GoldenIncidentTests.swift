@testable import BlackboxCLI
import BlackboxStore
import Foundation
import Playbooks
import Testing

/// `incident show` of the captured failures, compared with checked-in text in `Golden/`.
/// After an intended change of the report, regenerate with `BLACKBOX_UPDATE_GOLDEN=1 swift test --filter GoldenIncidentTests`
/// and review the diff.
@Suite struct GoldenIncidentTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Golden")

    @Test(arguments: ["fx-oom", "fx-conflict", "fx-noexec", "fx-health"])
    func incidentShowMatchesTheGoldenText(container: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try PlaybookTests.diagnosedFixtureStore(directory)
        let incident = try #require(try store.latestIncident(containerIDs: store.containerIDs(matching: container)))
        let context = try IncidentContext.load(incident, from: store, lookups: NoLookups())
        // A fixed "now", a minute after the incident, so relative times do not drift.
        let report = IncidentReport(
            incident: incident, matches: try store.matches(incidentID: incident.id ?? 0),
            occurrenceMatches: try store.occurrenceMatches(incidentID: incident.id ?? 0), evidence: context, policy: store.incidentPolicy,
            now: incident.lastNanos + 60_000_000_000
        ).render() + "\n"
        let file = Self.golden.appending(path: "incident-\(container).txt")
        if ProcessInfo.processInfo.environment["BLACKBOX_UPDATE_GOLDEN"] == "1" {
            try report.write(to: file, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(report == expected, "incident show \(container) differs from \(file.lastPathComponent)")
    }
}
