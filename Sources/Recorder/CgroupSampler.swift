import DockerEngine
import Foundation

/// Reads a container's resource counters straight from its cgroup files and `/proc`, at no cost to the engine.
///
/// The reading has the fields and units of the stats API's (``StatsReading``), computed the way the engine computes
/// them, so ``ResourceSample/init(containerID:current:previous:cpuLimit:)`` turns either into the same sample:
///
/// | field | cgroup v1 | cgroup v2 |
/// |---|---|---|
/// | CPU time, ns | `cpuacct.usage` | `cpu.stat` `usage_usec` × 1000 |
/// | throttled periods | `cpu.stat` `nr_throttled` | `cpu.stat` `nr_throttled` |
/// | memory usage, bytes | `memory.usage_in_bytes` | `memory.current` |
/// | inactive page cache, bytes | `memory.stat` `total_inactive_file` | `memory.stat` `inactive_file` |
/// | memory limit, bytes | `memory.limit_in_bytes` | `memory.max` |
/// | pids | `pids.current` | `pids.current` |
/// | block I/O, bytes | `blkio.throttle.io_service_bytes_recursive` | `io.stat` `rbytes`/`wbytes` |
/// | OOM counters (``OOMCounters``) | `memory.oom_control` `oom_kill`, `memory.failcnt` | `memory.events` `oom_kill`, `oom`, `max` |
///
/// The host's CPU time is the first seven fields of `/proc/stat`'s `cpu` line (as the engine sums them), the online
/// CPUs its `cpuN` lines; a limit above the host's memory (`MemTotal` of `/proc/meminfo`) is reported as the host's
/// memory, as the engine does; network bytes are the sums over the interfaces of `/proc/<pid>/net/dev` but `lo`.
public struct CgroupSampler: Sendable {
    /// Where `/proc` is (a test points it at captured files).
    public let procRoot: String
    private let nanosPerClockTick: UInt64
    /// `MemTotal` of `/proc/meminfo`, bytes; it does not change while the host runs.
    private let hostMemoryBytes: UInt64

    public init(procRoot: String = "/proc") {
        self.procRoot = procRoot
        nanosPerClockTick = 1_000_000_000 / UInt64(max(sysconf(Int32(_SC_CLK_TCK)), 1))
        let meminfo = (try? CgroupFiles().contents("\(procRoot)/meminfo")) ?? []
        hostMemoryBytes = ProcText.value(of: "MemTotal", in: meminfo).map { $0 * 1024 } ?? UInt64.max
    }

    /// Finds the cgroup of a container's main process, `State.Pid` of `GET /containers/{id}/json`.
    ///
    /// - Throws: ``CgroupError/notTheContainer(pid:containerID:directory:)`` when that process is not in a cgroup
    ///   named for the container (blackbox sees another PID namespace than the engine); ``CgroupError`` from
    ///   ``CgroupPaths/resolve(procCgroup:mountinfo:)`` or reading `/proc/<pid>/cgroup` otherwise.
    public func locate(pid: Int, containerID: String) throws(CgroupError) -> CgroupPaths {
        let files = CgroupFiles()
        let paths = try CgroupPaths.resolve(
            procCgroup: String(decoding: try files.contents("\(procRoot)/\(pid)/cgroup"), as: UTF8.self),
            mountinfo: String(decoding: try files.contents("\(procRoot)/self/mountinfo"), as: UTF8.self))
        guard pid > 0, paths.containerDirectory.split(separator: "/").last?.contains(containerID) == true else {
            throw CgroupError.notTheContainer(pid: pid, containerID: containerID, directory: paths.containerDirectory)
        }
        return paths
    }

    /// Reads the counters now; `pid` is the container's main process, for its network namespace. A sampler that reads
    /// again and again passes the same `files`, which keeps them open between readings.
    ///
    /// - Throws: ``CgroupError/unreadable(path:reason:)`` when a file is gone (the container stopped) or unreadable;
    ///   ``CgroupError/malformed(path:reason:)`` when a file does not hold what the kernel documents.
    public func read(_ paths: CgroupPaths, pid: Int, files: CgroupFiles = CgroupFiles()) throws(CgroupError) -> StatsReading {
        let time = Timestamp.nowNanos()
        let (systemNanos, onlineCPUs) = try hostCPU(files)
        let (rx, tx) = try network(pid, files)
        var reading = StatsReading(
            readNanos: time, cpuTotalNanos: 0, systemCPUNanos: systemNanos, onlineCPUs: onlineCPUs, throttledPeriods: 0,
            memoryUsageBytes: 0, inactiveFileBytes: 0, memoryLimitBytes: 0, pids: 0, networkRxBytes: rx, networkTxBytes: tx,
            blockReadBytes: 0, blockWriteBytes: 0)
        switch paths {
        case .v1(let memory, let cpu, let cpuacct, let pids, let blkio):
            reading.cpuTotalNanos = try Self.number(files, "\(cpuacct)/cpuacct.usage")
            reading.throttledPeriods = ProcText.value(of: "nr_throttled", in: try files.contents("\(cpu)/cpu.stat")) ?? 0
            reading.memoryUsageBytes = try Self.number(files, "\(memory)/memory.usage_in_bytes")
            reading.inactiveFileBytes = ProcText.value(of: "total_inactive_file", in: try files.contents("\(memory)/memory.stat")) ?? 0
            reading.memoryLimitBytes = min(try Self.number(files, "\(memory)/memory.limit_in_bytes"), hostMemoryBytes)
            reading.pids = try Self.number(files, "\(pids)/pids.current")
            (reading.blockReadBytes, reading.blockWriteBytes) = try Self.blockIOv1(files, "\(blkio)/blkio.throttle.io_service_bytes_recursive")
        case .v2(let directory):
            let cpuStat = try files.contents("\(directory)/cpu.stat")
            reading.cpuTotalNanos = (ProcText.value(of: "usage_usec", in: cpuStat) ?? 0) * 1000
            reading.throttledPeriods = ProcText.value(of: "nr_throttled", in: cpuStat) ?? 0
            reading.memoryUsageBytes = try Self.number(files, "\(directory)/memory.current")
            reading.inactiveFileBytes = ProcText.value(of: "inactive_file", in: try files.contents("\(directory)/memory.stat")) ?? 0
            let max = ProcText.trimmed(try files.contents("\(directory)/memory.max")[...])
            reading.memoryLimitBytes = max.elementsEqual("max".utf8) ? hostMemoryBytes : min(try Self.parse(max, "\(directory)/memory.max"), hostMemoryBytes)
            // pids.current and io.stat exist only when the pids and io controllers are enabled for the subtree.
            reading.pids = try Self.number(files, "\(directory)/pids.current", missing: Array("0".utf8))
            (reading.blockReadBytes, reading.blockWriteBytes) = try Self.blockIOv2(files, "\(directory)/io.stat")
        }
        // A kernel without the counters (v1 before Linux 4.13) still gives every other reading.
        reading.oom = try? oomCounters(paths, files: files)
        return reading
    }

    /// The host's CPU time in nanoseconds (user, nice, system, idle, iowait, irq, softirq) and the online CPUs,
    /// from the `cpu` and `cpuN` lines at the top of `/proc/stat`.
    private func hostCPU(_ files: CgroupFiles) throws(CgroupError) -> (UInt64, Int) {
        let path = "\(procRoot)/stat"
        var total: [UInt64] = []
        var online = 0
        for line in ProcText.lines(try files.contents(path)) {
            guard line.starts(with: "cpu".utf8) else { break }
            if line.dropFirst(3).first == UInt8(ascii: " ") {
                total = ProcText.fields(line).dropFirst().prefix(7).compactMap(ProcText.unsigned)
            } else {
                online += 1
            }
        }
        guard total.count == 7 else { throw CgroupError.malformed(path: path, reason: "no cpu line with 7 counters") }
        return (total.reduce(0, +) * nanosPerClockTick, max(online, 1))
    }

    /// Bytes received and sent over every interface of the process's network namespace except `lo`.
    private func network(_ pid: Int, _ files: CgroupFiles) throws(CgroupError) -> (UInt64, UInt64) {
        let path = "\(procRoot)/\(pid)/net/dev"
        var rx: UInt64 = 0
        var tx: UInt64 = 0
        for line in ProcText.lines(try files.contents(path)).dropFirst(2) {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            guard !ProcText.trimmed(line[..<colon]).elementsEqual("lo".utf8) else { continue }
            let counters = ProcText.fields(line[(colon + 1)...])
            guard counters.count >= 9, let received = ProcText.unsigned(counters[0]), let sent = ProcText.unsigned(counters[8]) else {
                throw CgroupError.malformed(path: path, reason: "unexpected line '\(String(decoding: line, as: UTF8.self))'")
            }
            rx += received
            tx += sent
        }
        return (rx, tx)
    }

    /// `MAJ:MIN Read N` / `MAJ:MIN Write N` lines (and `Total N`); a missing file (no blkio throttling) reads as zero.
    private static func blockIOv1(_ files: CgroupFiles, _ path: String) throws(CgroupError) -> (UInt64, UInt64) {
        var read: UInt64 = 0
        var write: UInt64 = 0
        for line in ProcText.lines(try files.contents(path, missing: [])) {
            let fields = ProcText.fields(line)
            guard fields.count == 3, let value = ProcText.unsigned(fields[2]) else { continue }
            if fields[1].elementsEqual("Read".utf8) { read += value }
            if fields[1].elementsEqual("Write".utf8) { write += value }
        }
        return (read, write)
    }

    /// `MAJ:MIN rbytes=N wbytes=N rios=N …` lines; a missing file (io controller not enabled) reads as zero.
    private static func blockIOv2(_ files: CgroupFiles, _ path: String) throws(CgroupError) -> (UInt64, UInt64) {
        var read: UInt64 = 0
        var write: UInt64 = 0
        for line in ProcText.lines(try files.contents(path, missing: [])) {
            for field in ProcText.fields(line).dropFirst() {
                if field.starts(with: "rbytes=".utf8) { read += ProcText.unsigned(field.dropFirst(7)) ?? 0 }
                if field.starts(with: "wbytes=".utf8) { write += ProcText.unsigned(field.dropFirst(7)) ?? 0 }
            }
        }
        return (read, write)
    }

    /// A file holding one number (`missing` stands for a file that does not exist, when given).
    private static func number(_ files: CgroupFiles, _ path: String, missing: [UInt8]? = nil) throws(CgroupError) -> UInt64 {
        try parse(ProcText.trimmed(try files.contents(path, missing: missing)[...]), path)
    }

    private static func parse(_ text: ArraySlice<UInt8>, _ path: String) throws(CgroupError) -> UInt64 {
        guard let value = ProcText.unsigned(text) else {
            throw CgroupError.malformed(path: path, reason: "'\(String(decoding: text.prefix(40), as: UTF8.self))' is not a number")
        }
        return value
    }
}
