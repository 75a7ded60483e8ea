import DockerEngine

extension CgroupSampler {
    /// Reads the kernel's OOM counters of a container's memory cgroup (``OOMCounters``): cgroup v2 `memory.events`
    /// (`oom`, `oom_kill`, `max`); cgroup v1 `memory.oom_control` (`oom_kill`) and `memory.failcnt`.
    ///
    /// Every reading carries them (``read(_:pid:files:)``); the recorder reads them once more at a container's `die`,
    /// while its cgroup may still exist.
    /// - Throws: ``CgroupError/unreadable(path:reason:)`` when a file is gone (the cgroup was removed: the container
    ///   stopped) or unreadable; ``CgroupError/malformed(path:reason:)`` when a file does not hold what the kernel
    ///   documents (a v1 kernel older than 4.13 has no `oom_kill` line).
    public func oomCounters(_ paths: CgroupPaths, files: CgroupFiles = CgroupFiles()) throws(CgroupError) -> OOMCounters {
        switch paths {
        case .v1(let memory, _, _, _, _):
            let file = "\(memory)/memory.oom_control"
            guard let kills = ProcText.value(of: "oom_kill", in: try files.contents(file)) else {
                throw CgroupError.malformed(path: file, reason: "no oom_kill line (Linux 4.13 or later has one)")
            }
            let failcnt = "\(memory)/memory.failcnt"
            guard let hits = ProcText.unsigned(ProcText.trimmed(try files.contents(failcnt)[...])) else {
                throw CgroupError.malformed(path: failcnt, reason: "not a number")
            }
            return OOMCounters(kills: kills, ooms: nil, limitHits: hits, file: file)
        case .v2(let directory):
            let file = "\(directory)/memory.events"
            let events = try files.contents(file)
            guard let kills = ProcText.value(of: "oom_kill", in: events) else {
                throw CgroupError.malformed(path: file, reason: "no oom_kill line")
            }
            return OOMCounters(
                kills: kills, ooms: ProcText.value(of: "oom", in: events), limitHits: ProcText.value(of: "max", in: events) ?? 0, file: file)
        }
    }
}
