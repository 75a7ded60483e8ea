import BlackboxStore
import DockerEngine
import Foundation
import Testing

/// `blackbox query`: the documented views over the captured fixture session, and the read-only connection.
@Suite struct QueryTests {
    /// A store holding the fixture session.
    private func fixtureStore() throws -> (TemporaryDirectory, EventStore) {
        let directory = try TemporaryDirectory()
        let store = try EventStore(path: directory.storePath)
        try FixtureSession.record(into: store)
        return (directory, store)
    }

    private func column(_ result: QueryResult, _ name: String, row: Int) -> QueryValue? {
        guard let index = result.columns.firstIndex(of: name), row < result.rows.count else { return nil }
        return result.rows[row][index]
    }

    @Test func containerRunsHaveOneRowPerStartAndPerFailedStart() throws {
        let (directory, _) = try fixtureStore()
        defer { directory.remove() }
        let query = try ReadOnlyQuery(path: directory.storePath)
        let runs = try query.run(
            "SELECT container_name, run_number, exit_code, oom_killed, reason, error, duration_s FROM v_container_runs ORDER BY container_name, started_ns",
            timeout: 10)
        let byName = Dictionary(grouping: runs.rows.indices, by: { runs.rows[$0][0] })
        let oom = try #require(byName[.text("fx-oom")]?.first)
        #expect(column(runs, "reason", row: oom) == .text("oom_killed"))
        #expect(column(runs, "exit_code", row: oom) == .integer(137))
        #expect(column(runs, "oom_killed", row: oom) == .integer(1))
        #expect(column(runs, "run_number", row: oom) == .integer(1))
        guard case .real(let seconds)? = column(runs, "duration_s", row: oom) else {
            Issue.record("fx-oom has no duration")
            return
        }
        #expect(seconds > 0 && seconds < 60)
        let ok = try #require(byName[.text("fx-ok")]?.first)
        #expect(column(runs, "reason", row: ok) == .text("exited"))
        #expect(column(runs, "exit_code", row: ok) == .integer(0))
        let conflictRows = try #require(byName[.text("fx-conflict")])
        #expect(conflictRows.map { column(runs, "reason", row: $0) } == [.text("start_failed")])
        guard case .text(let error)? = column(runs, "error", row: conflictRows[0]) else {
            Issue.record("the failed start has no error")
            return
        }
        #expect(error.contains("port is already allocated"))
        let limited = try #require(byName[.text("fx-limited")]?.first)
        #expect(column(runs, "reason", row: limited) == .text("running"))
        #expect(column(runs, "finished_ns", row: limited) == nil)
    }

    @Test func eventsCarryISOTimeAndUnixNanoseconds() throws {
        let (directory, store) = try fixtureStore()
        defer { directory.remove() }
        let first = try #require(try store.events(EventFilter()).first)
        let result = try ReadOnlyQuery(path: directory.storePath).run("SELECT time, ts_ns, container_name FROM v_events ORDER BY seq LIMIT 1", timeout: 10)
        #expect(result.rows.first?[1] == .integer(first.timeNanos))
        let iso = Timestamp.rfc3339(unixNanos: first.timeNanos)
        #expect(result.rows.first?[0] == .text(iso))
        #expect(result.rows.first?[2] == .text("fx-ok"))
    }

    @Test func samplesShowThePercentOfTheMemoryLimitOnlyForLimitedContainers() throws {
        let (directory, store) = try fixtureStore()
        defer { directory.remove() }
        let limited = try #require(try store.containerIDs(matching: "fx-oom").first)
        let unlimited = try #require(try store.containerIDs(matching: "fx-health").first)
        try store.append(samples: [
            ResourceSample(
                containerID: limited, timeNanos: 1, cpuPercent: nil, cpuPercentOfLimit: nil, cpuThrottledPeriods: 0, memoryUsageBytes: 96_000_000,
                memoryWorkingSetBytes: 95_000_000, memoryLimitBytes: 100_000_000, pids: 1, networkRxBytes: 0, networkTxBytes: 0, blockReadBytes: 0,
                blockWriteBytes: 0),
            ResourceSample(
                containerID: unlimited, timeNanos: 1, cpuPercent: nil, cpuPercentOfLimit: nil, cpuThrottledPeriods: 0, memoryUsageBytes: 1_000,
                memoryWorkingSetBytes: 1_000, memoryLimitBytes: 2_000, pids: 1, networkRxBytes: 0, networkTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0),
        ])
        let result = try ReadOnlyQuery(path: directory.storePath).run(
            "SELECT container_name, mem_pct_of_limit FROM v_samples ORDER BY container_name", timeout: 10)
        #expect(result.rows == [[.text("fx-health"), .null], [.text("fx-oom"), .real(95.0)]])
    }

    @Test func incidentsAndMatchesViewsJoinTheProjection() throws {
        let (directory, store) = try fixtureStore()
        defer { directory.remove() }
        let incident = try #require(try store.incidents().first { $0.containerName == "fx-oom" })
        let id = try #require(incident.id)
        try store.replaceMatches([
            id: IncidentDiagnosisRecords(
                occurrences: [[PlaybookMatchRecord(incidentID: id, rank: 1, playbookID: "oom-kill", title: "t", severity: "critical", diagnosis: "d", fix: "f", evidence: "{}")]],
                diagnosedOccurrence: 0)
        ])
        let query = try ReadOnlyQuery(path: directory.storePath)
        let incidents = try query.run("SELECT id, container_name, trigger, playbook_id, opened_ns FROM v_incidents WHERE container_name = 'fx-oom'", timeout: 10)
        #expect(incidents.rows == [[.integer(id), .text("fx-oom"), .text(incident.trigger), .text("oom-kill"), .integer(incident.openedNanos)]])
        let matches = try query.run("SELECT incident_id, container_name, is_diagnosis, playbook_id FROM v_playbook_matches", timeout: 10)
        #expect(matches.rows == [[.integer(id), .text("fx-oom"), .integer(1), .text("oom-kill")]])
    }

    @Test func noStatementCanWriteTheStoreOrReachAnotherFile() throws {
        let (directory, store) = try fixtureStore()
        defer { directory.remove() }
        let before = try store.counts()
        let query = try ReadOnlyQuery(path: directory.storePath)
        let other = directory.url.appending(path: "other.sqlite").path
        let attempts = [
            "INSERT INTO events (ts_ns, kind, payload) VALUES (1, 'engine', '{}')",
            "UPDATE containers SET status = 'running'",
            "DELETE FROM samples",
            "DROP TABLE events",
            "DROP VIEW v_events",
            "CREATE TABLE notes (text TEXT)",
            "ATTACH DATABASE '\(other)' AS other",
            "VACUUM INTO '\(other)'",
        ]
        for sql in attempts {
            #expect(throws: QueryError.self, "\(sql) was allowed") { _ = try query.run(sql, timeout: 10) }
        }
        _ = try? query.run("PRAGMA query_only = 0", timeout: 10)
        #expect(throws: QueryError.self) { _ = try query.run("DELETE FROM events", timeout: 10) }
        #expect(!FileManager.default.fileExists(atPath: other))
        #expect(try store.counts() == before)
        #expect(try store.integrityCheck() == "ok")
    }

    /// Refusals say what they mean for `blackbox query`, not which GRDB call to use instead (fresh-user check).
    @Test func refusalsSayWhatTheyMean() throws {
        let (directory, _) = try fixtureStore()
        defer { directory.remove() }
        let query = try ReadOnlyQuery(path: directory.storePath)
        let other = directory.url.appending(path: "other.sqlite").path
        let cases = [
            "SELECT 1; SELECT 2": "the query failed: more than one statement: run one statement at a time",
            "DELETE FROM events": "the query failed: not authorized: a write (DELETE on events) is refused: `blackbox query` only reads",
            "ATTACH DATABASE '\(other)' AS other": "the query failed: not authorized: ATTACH (only the store is read) is refused: `blackbox query` only reads",
            "PRAGMA writable_schema = ON": "the query failed: not authorized: PRAGMA writable_schema = ON (pragmas may only be read, and only the schema's) is refused: `blackbox query` only reads",
        ]
        for (sql, message) in cases {
            let error = #expect(throws: QueryError.self, "\(sql) was allowed") { _ = try query.run(sql, timeout: 10) }
            #expect(error?.localizedDescription == message)
        }
    }

    @Test func aQueryPastItsTimeoutIsStopped() throws {
        let (directory, _) = try fixtureStore()
        defer { directory.remove() }
        let query = try ReadOnlyQuery(path: directory.storePath)
        let endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
        let started = Date()
        #expect(throws: QueryError.timedOut(seconds: 0.5)) { _ = try query.run(endless, timeout: 0.5) }
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(try query.run("SELECT count(*) FROM v_events", timeout: 10).rows.count == 1)
    }

    @Test func theCommandPrintsTablesCSVAndJSONAndExitsOneOnABadQuery() throws {
        let (directory, _) = try fixtureStore()
        defer { directory.remove() }
        let sql = "SELECT container_name, exit_code, reason FROM v_container_runs WHERE container_name IN ('fx-ok', 'fx-oom') ORDER BY container_name"
        let table = try BlackboxBinary.run(["query", sql, "--db", directory.storePath])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout == "container_name   exit_code   reason\nfx-ok            0           exited\nfx-oom           137         oom_killed\n")
        let csv = try BlackboxBinary.run(["query", sql, "--format", "csv", "--db", directory.storePath])
        #expect(csv.stdout == "container_name,exit_code,reason\r\nfx-ok,0,exited\r\nfx-oom,137,oom_killed\r\n")
        let json = try BlackboxBinary.run(["query", sql, "--format", "json", "--db", directory.storePath])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(rows.last?["exit_code"] as? Int == 137)
        let refused = try BlackboxBinary.run(["query", "DELETE FROM events", "--db", directory.storePath])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("a write (DELETE on events) is refused"))
        let slow = try BlackboxBinary.run(
            ["query", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n", "--timeout", "300ms", "--db", directory.storePath])
        #expect(slow.status == 1)
        #expect(slow.stderr.contains("stopped after 0.3s"))
    }
}
