import BlackboxStore
import DockerEngine
import Logging

extension Recorder {
    /// Compares a reading's OOM counters with the container's previous ones and records a `kernel_oom` observation
    /// when the OOM-kill counter rose (``OOMCounterWatch``), whether or not the engine announced an `oom`.
    ///
    /// - Parameter readAt: `sample` (a periodic reading), `notification` (the kernel signalled an OOM in the cgroup)
    ///   or `die` (the read at the container's `die`).
    /// - Returns: whether it recorded a rise.
    @discardableResult
    func noteOOMCounters(_ counters: OOMCounters, of containerID: String, timeNanos: Int64, readAt: String) async -> Bool {
        guard let (rise, inspect, started) = await oomWatches.observe(containerID, counters),
            let paths = await oomWatches.paths(containerID)
        else { return false }
        let payload = EventRecord.KernelOOM(before: rise.before, after: rise.after, cgroup: paths.version, readAt: readAt, startedNanos: started)
        await write(.kernelOOM(payload, of: inspect, timeNanos: timeNanos))
        logger.info(
            "kernel OOM kill",
            metadata: [
                "container.name": "\(inspect.name)", "oom_kills": "\(rise.before.kills)→\(rise.after.kills)", "file": "\(counters.file)",
                "read_at": "\(readAt)",
            ])
        return true
    }

    /// Reads the counters after the kernel signalled an OOM in the cgroup (``OOMNotifier``): cgroup v1 signals when
    /// the cgroup goes under OOM, a moment before the killer has picked its victim, so it reads again every 5 ms, up
    /// to 20 times, until the kill is counted or the cgroup is gone.
    func readOOMCountersOnNotice(_ containerID: String, _ paths: CgroupPaths) async {
        let files = CgroupFiles()
        for _ in 0..<20 {
            guard let counters = try? sampling.cgroups.oomCounters(paths, files: files) else { return }
            if await noteOOMCounters(counters, of: containerID, timeNanos: Timestamp.nowNanos(), readAt: "notification") { return }
            do {
                try await Task.sleep(for: .milliseconds(5))
            } catch {
                return
            }
        }
    }

    /// Reads a container's OOM counters once more at its `die`, while its cgroup may still exist: a main process
    /// killed between two samples leaves its kill only there. Does nothing when no sampler read its cgroup (the
    /// stats-API sampler) or the cgroup is already gone.
    func readOOMCountersAtDie(_ containerID: String) async {
        guard let paths = await oomWatches.paths(containerID) else { return }
        do {
            let counters = try sampling.cgroups.oomCounters(paths)
            await noteOOMCounters(counters, of: containerID, timeNanos: Timestamp.nowNanos(), readAt: "die")
        } catch {
            logger.debug("no OOM counters at die", metadata: ["container.id": "\(containerID)", "error": "\(error)"])
        }
    }
}
