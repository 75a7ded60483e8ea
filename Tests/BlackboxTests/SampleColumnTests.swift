import BlackboxCore
import DockerEngine
import Foundation
import Testing

/// A playbook's `samples:` evidence names a column of the store's `samples` rows; each name reads that column's value.
@Suite struct SampleColumnTests {
    @Test func eachColumnReadsTheValueStoredUnderItsName() throws {
        // Every field a different value, so a column that reads another field is seen.
        let sample = ResourceSample(
            containerID: "c1", timeNanos: 1, cpuPercent: 2, cpuPercentOfLimit: 3, cpuThrottledPeriods: 4, memoryUsageBytes: 5,
            memoryWorkingSetBytes: 6, memoryLimitBytes: 7, pids: 8, networkRxBytes: 9, networkTxBytes: 10, blockReadBytes: 11,
            blockWriteBytes: 12, oomKills: 13, ooms: 14, memoryLimitHits: 15)
        // What the sample is encoded as under each name: how the store and `stats --json` hold it.
        let stored = try #require(JSONValue.parse(String(decoding: try JSONEncoder().encode(sample), as: UTF8.self)))
        for column in ResourceSample.measurements {
            let value = try #require(stored[path: column.rawValue]?.numberValue, "nothing is stored as \(column.rawValue)")
            #expect(sample.value(column) == value, "\(column.rawValue)")
        }
        #expect(Set(ResourceSample.measurements.map { sample.value($0) }).count == ResourceSample.measurements.count)
        #expect(!ResourceSample.measurements.contains(.containerID))
    }
}
