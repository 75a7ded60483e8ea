import BlackboxStore
import Foundation
import Testing

/// `--project` / `--service` on `ps`, `incidents`, `events` and `stats`, run as a user would on a recorded history in
/// which `db` was recreated twice (three containers, one service).
@Suite struct ComposeViewsTests {
    private func recorded() throws -> (TemporaryDirectory, [ComposeHistory.Container]) {
        let directory = try TemporaryDirectory()
        let store = try EventStore(path: directory.storePath)
        var history = ComposeHistory(store: store, project: "shop")
        var dbs: [ComposeHistory.Container] = []
        for number in 1...3 {
            let db = try history.start("db", number: number)
            try history.samples(db, workingSets: [Int64(number) * 1_048_576], limit: 67_108_864)
            try history.engine(db, "die", exitCode: number == 3 ? 0 : 1)
            if number < 3 { try history.engine(db, "destroy") }
            dbs.append(db)
        }
        let api = try history.start("api")
        try history.engine(api, "die", exitCode: 2)
        _ = try history.start("web", project: "other")
        return (directory, dbs)
    }

    @Test func psGroupsAServiceAcrossRecreations() throws {
        let (directory, dbs) = try recorded()
        defer { directory.remove() }
        let ps = try BlackboxBinary.run(["ps", "--all", "--project", "shop", "--db", directory.storePath])
        #expect(ps.status == 0, "\(ps.stderr)")
        let rows = ps.stdout.split(separator: "\n").map(String.init)
        #expect(rows.first?.hasPrefix("SERVICE    CONTAINER ID") == true)
        #expect(rows.dropFirst().map { $0.prefix(8) } == ["shop/api", "shop/db ", "shop/db ", "shop/db "])
        #expect(rows.dropFirst(2).map { $0.split(separator: " ", omittingEmptySubsequences: true)[1] } == dbs.map { Substring($0.id.prefix(12)) })
        let onlyDB = try BlackboxBinary.run(["ps", "--all", "--service", "db", "--json", "--db", directory.storePath])
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(onlyDB.stdout.utf8)) as? [[String: Any]])
        #expect(objects.map { $0["container_id"] as? String } == dbs.map(\.id))
    }

    @Test func incidentsEventsAndStatsOfOneService() throws {
        let (directory, dbs) = try recorded()
        defer { directory.remove() }
        let incidents = try BlackboxBinary.run(["incidents", "--all", "--project", "shop", "--db", directory.storePath])
        let services = incidents.stdout.split(separator: "\n").dropFirst().map { $0.prefix(8) }
        #expect(services == ["shop/api", "shop/db ", "shop/db "], "\(incidents.stdout)")
        let dbIncidents = try BlackboxBinary.run(["incidents", "--all", "--service", "db", "--json", "--db", directory.storePath])
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(dbIncidents.stdout.utf8)) as? [[String: Any]])
        #expect(objects.map { $0["container_id"] as? String } == [dbs[1].id, dbs[0].id])

        let events = try BlackboxBinary.run(["events", "--project", "shop", "--service", "db", "--type", "container", "--json", "--db", directory.storePath])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(events.stdout.utf8)) as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["container_id"] as? String }) == Set(dbs.map(\.id)))
        #expect(rows.filter { $0["action"] as? String == "die" }.count == 3)

        let stats = try BlackboxBinary.run(["stats", "--service", "db", "--project", "shop", "--since", "0", "--json", "--db", directory.storePath])
        let samples = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [[String: Any]])
        #expect(samples.compactMap { ($0["mem_working_set_bytes"] as? NSNumber)?.int64Value } == [1_048_576, 2_097_152, 3_145_728])
        let usage = try BlackboxBinary.run(["stats", "--project", "shop", "--db", directory.storePath])
        #expect(usage.status == 64 && usage.stderr.contains("name a container, or a compose service with --service"))
    }
}
