import BlackboxCore
import DockerEngine
import Foundation
@testable import Playbooks
import Testing

/// A playbook's `sample:` evidence names a column of the store's `samples` table; each name reads that column's value.
@Suite struct SampleColumnTests {
    @Test func eachColumnReadsTheStoreColumnOfItsName() throws {
        // Every field a different value, so a column that reads another field is seen.
        let sample = ResourceSample(
            containerID: "c1", timeNanos: 1, cpuPercent: 2, cpuPercentOfLimit: 3, cpuThrottledPeriods: 4, memoryUsageBytes: 5,
            memoryWorkingSetBytes: 6, memoryLimitBytes: 7, pids: 8, networkRxBytes: 9, networkTxBytes: 10, blockReadBytes: 11,
            blockWriteBytes: 12, oomKills: nil, ooms: nil, memoryLimitHits: nil)
        // The record's JSON keys are the table's column names (its `CodingKeys`, which GRDB fetches it by).
        let columns = try #require(JSONValue.parse(String(decoding: try JSONEncoder().encode(sample), as: UTF8.self)))
        for column in SampleColumn.allCases {
            let stored = try #require(columns[path: column.rawValue]?.numberValue, "no samples column \(column.rawValue)")
            #expect(column.value(in: sample) == stored, "\(column.rawValue)")
        }
        #expect(Set(SampleColumn.allCases.map { $0.value(in: sample) }).count == SampleColumn.allCases.count)
    }
}
