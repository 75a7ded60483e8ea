import BlackboxStore
import Playbooks
import Testing

/// `ContainerUpdateChange`: old → new from the inspect snapshots around a `docker update` (the engine's `update`
/// event carries no values).
struct ContainerUpdateChangeTests {
    private let key = "1000|container|update|c1"

    private func inspect(at time: Int64, key: String?, hostConfig: String) -> EventRecord {
        EventRecord(
            timeNanos: time, kind: .inspect, containerID: "c1", deduplicationKey: key,
            payload: #"{"Id":"c1","State":{"Status":"running"},"Config":{},"HostConfig":\#(hostConfig)}"#)
    }

    private var update: EventRecord {
        EventRecord(timeNanos: 1000, kind: .engine, type: "container", action: "update", containerID: "c1", deduplicationKey: "engine|\(key)", payload: "{}")
    }

    @Test func namesEachChangedSettingWithItsFlagAndUnits() {
        let before = inspect(
            at: 10, key: "inspect|10|container|start|c1",
            hostConfig: #"{"Memory":67108864,"MemorySwap":134217728,"NanoCpus":500000000,"PidsLimit":null,"CpuShares":0,"RestartPolicy":{"Name":"no","MaximumRetryCount":0}}"#)
        let after = inspect(
            at: 1010, key: "inspect|\(key)",
            hostConfig: #"{"Memory":134217728,"MemorySwap":-1,"NanoCpus":250000000,"PidsLimit":50,"CpuShares":0,"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":3}}"#)
        #expect(
            ContainerUpdateChange.summary(of: update, in: [before, update, after])
                == "memory 64MiB → 128MiB, memory-swap 128MiB → unlimited, cpus 0.5 → 0.25, pids-limit none → 50, restart no → on-failure:3")
    }

    @Test func nothingWhenASnapshotIsMissingOrNothingChanged() {
        let config = #"{"Memory":67108864}"#
        let before = inspect(at: 10, key: "inspect|10|container|start|c1", hostConfig: config)
        let after = inspect(at: 1010, key: "inspect|\(key)", hostConfig: config)
        #expect(ContainerUpdateChange.summary(of: update, in: [before, update, after]) == nil)
        #expect(ContainerUpdateChange.summary(of: update, in: [update, after]) == nil)
        #expect(ContainerUpdateChange.summary(of: update, in: [before, update]) == nil)
        let start = EventRecord(timeNanos: 5, kind: .engine, type: "container", action: "start", containerID: "c1", payload: "{}")
        #expect(ContainerUpdateChange.summary(of: start, in: [before, after]) == nil)
    }
}
