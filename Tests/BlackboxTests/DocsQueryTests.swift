import BlackboxStore
import DockerEngine
import Foundation
import Testing

/// The worked queries of docs/sql.md, run as written over a store whose answers are known: a compose service
/// `shop/worker` that ran an hour ago, climbed to 95 % of its 32 MiB limit, was OOM-killed and restarted once.
@Suite struct DocsQueryTests {
    static let documentation = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "docs/sql.md")

    /// The ```sql blocks of docs/sql.md, in order.
    static func workedQueries() throws -> [String] {
        let text = try String(contentsOf: documentation, encoding: .utf8)
        return text.components(separatedBy: "```sql\n").dropFirst().compactMap { $0.components(separatedBy: "\n```").first }
    }

    static let limit: Int64 = 33_554_432

    private func store(_ directory: TemporaryDirectory) throws -> EventStore {
        let store = try EventStore(path: directory.storePath)
        let hourAgo = Timestamp.nowNanos() - 3_600_000_000_000
        let second: Int64 = 1_000_000_000
        let inspect = """
            {"Id":"w1","Name":"/shop-worker-1","State":{"Status":"running","Running":true},"HostConfig":{"Memory":\(Self.limit)},
            "Config":{"Image":"shop/worker","Labels":{"com.docker.compose.project":"shop","com.docker.compose.service":"worker"}}}
            """
        func engine(_ action: String, at time: Int64, exitCode: Int? = nil) -> EventRecord {
            EventRecord(
                timeNanos: time, kind: .engine, type: "container", action: action, actorID: "w1", containerID: "w1", containerName: "shop-worker-1",
                image: "shop/worker", composeProject: "shop", composeService: "worker", exitCode: exitCode, deduplicationKey: "\(action)|\(time)",
                payload: "{}")
        }
        try store.append(contentsOf: [
            EventRecord(timeNanos: hourAgo, kind: .inspect, containerID: "w1", containerName: "shop-worker-1", payload: inspect),
            engine("start", at: hourAgo + second),
            engine("oom", at: hourAgo + 10 * second),
            engine("die", at: hourAgo + 10 * second + 100_000_000, exitCode: 137),
            engine("start", at: hourAgo + 20 * second),
        ])
        try store.append(
            samples: (1...20).map { step in
                ResourceSample(
                    containerID: "w1", timeNanos: hourAgo + second + Int64(step) * 400_000_000, cpuPercent: 10, cpuPercentOfLimit: 20,
                    cpuThrottledPeriods: 0, memoryUsageBytes: Int64(step) * 1_700_000, memoryWorkingSetBytes: Int64(step) * 1_600_000,
                    memoryLimitBytes: Self.limit, pids: 2, networkRxBytes: 0, networkTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0)
            })
        return store
    }

    @Test func everyWorkedQueryRunsAndGivesTheKnownAnswer() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try store(directory)
        let query = try ReadOnlyQuery(path: directory.storePath)
        let queries = try Self.workedQueries()
        try #require(queries.count == 5, "docs/sql.md has \(queries.count) worked queries, the test checks 5")
        let results = try queries.map { try query.run($0, timeout: 10) }

        let oom = results[0]
        #expect(oom.rows.count == 1)
        #expect(oom.rows.first?.first == .text("shop-worker-1"))
        #expect(oom.rows.first?[4] == .integer(32_000_000))
        #expect(oom.rows.first?[5] == .integer(Self.limit))

        let today = results[1]
        #expect(today.columns == ["compose_project", "compose_service", "day", "restarts"])
        #expect(today.rows.map { [$0[0], $0[1], $0[3]] } == [[.text("shop"), .text("worker"), .integer(1)]])

        #expect(results[2].rows == [[.text("worker"), .integer(19 * 1_600_000), .integer(20)]])

        let above = results[3]
        #expect(above.rows.count == 1)
        #expect(above.rows.first?[0] == .text("shop-worker-1"))
        #expect(above.rows.first?[4] == .integer(32_000_000))

        let before = results[4]
        #expect(before.rows.map { $0[3] } == [.null, .text("start"), .text("oom"), .text("die")])
    }
}
