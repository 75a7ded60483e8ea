import BlackboxStore
import DockerEngine
import Logging

extension Recorder {
    /// Compares a reading's OOM counters with the container's previous ones and records a `kernel_oom` observation
    /// when the OOM-kill counter rose (``OOMCounterWatch``), whether or not the engine announced an `oom`.
    ///
    /// - Parameter readAt: `sample` (a periodic reading) or `die` (the read at the container's `die`).
    func noteOOMCounters(_ counters: OOMCounters, of containerID: String, timeNanos: Int64, readAt: String) async {
        guard let (rise, inspect, started) = await oomWatches.observe(containerID, counters),
            let paths = await oomWatches.paths(containerID)
        else { return }
        let payload = EventRecord.KernelOOM(before: rise.before, after: rise.after, cgroup: paths.version, readAt: readAt, startedNanos: started)
        await write(.kernelOOM(payload, of: inspect, timeNanos: timeNanos))
        logger.info(
            "kernel OOM kill",
            metadata: [
                "container.name": "\(inspect.name)", "oom_kills": "\(rise.before.kills)→\(rise.after.kills)", "file": "\(counters.file)",
            ])
    }

    /// Reads a container's OOM counters once more at its `die`, while its cgroup may still exist: a main process
    /// killed between two samples leaves its kill only there. Does nothing when no sampler read its cgroup (the
    /// stats-API sampler) or the cgroup is already gone.
    func readOOMCountersAtDie(_ containerID: String) async {
        guard let paths = await oomWatches.paths(containerID) else { return }
        do {
            let counters = try sampling.cgroups.oomCounters(paths)
            await noteOOMCounters(counters, of: containerID, timeNanos: Self.now(), readAt: "die")
        } catch {
            logger.debug("no OOM counters at die", metadata: ["container.id": "\(containerID)", "error": "\(error)"])
        }
    }
}
