import DockerEngine

/// The OOM-counter watch of each container whose cgroup a sampler reads, with its cgroup and the inspect the sampler
/// began with, so the read at `die` (``Recorder/readOOMCountersAtDie(_:)``) knows where to look and whom it is about.
actor OOMWatchRegistry {
    struct Entry {
        var watch: OOMCounterWatch
        var paths: CgroupPaths
        var inspect: ContainerInspect
    }

    private var entries: [String: Entry] = [:]

    /// Starts watching a container's run; a watch of the same run (a sampler started again after a reconnect) is kept.
    func begin(_ inspect: ContainerInspect, paths: CgroupPaths, fromStart: Bool) {
        let started = inspect.state.startedAtNanos ?? 0
        if let entry = entries[inspect.id], entry.watch.startedNanos == started { return }
        entries[inspect.id] = Entry(watch: OOMCounterWatch(startedNanos: started, fromStart: fromStart), paths: paths, inspect: inspect)
    }

    /// Takes a reading of `containerID`'s counters; returns the rise and the entry's inspect and run when they grew.
    func observe(_ containerID: String, _ counters: OOMCounters) -> (rise: OOMCounterWatch.Rise, inspect: ContainerInspect, startedNanos: Int64)? {
        guard var entry = entries[containerID] else { return nil }
        let rise = entry.watch.observe(counters)
        entries[containerID] = entry
        return rise.map { ($0, entry.inspect, entry.watch.startedNanos) }
    }

    /// The cgroup of the container's watched run.
    func paths(_ containerID: String) -> CgroupPaths? {
        entries[containerID]?.paths
    }

    /// Forgets a container (destroyed).
    func remove(_ containerID: String) {
        entries[containerID] = nil
    }
}
