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
///
/// The host's CPU time is the first seven fields of `/proc/stat`'s `cpu` line (as the engine sums them), the online
/// CPUs its `cpuN` lines; a limit above the host's memory (`MemTotal` of `/proc/meminfo`) is reported as the host's
/// memory, as the engine does; network bytes are the sums over the interfaces of `/proc/<pid>/net/dev` but `lo`.
public struct CgroupSampler: Sendable {
    /// Where `/proc` is (a test points it at captured files).
    public let procRoot: String
    private let nanosPerClockTick: UInt64

    public init(procRoot: String = "/proc") {
        self.procRoot = procRoot
        nanosPerClockTick = 1_000_000_000 / UInt64(max(sysconf(Int32(_SC_CLK_TCK)), 1))
    }

    /// Finds the cgroup of a container's main process, `State.Pid` of `GET /containers/{id}/json`.
    ///
    /// - Throws: ``CgroupError/notTheContainer(pid:containerID:directory:)`` when that process is not in a cgroup
    ///   named for the container (blackbox sees another PID namespace than the engine); ``CgroupError`` from
    ///   ``CgroupPaths/resolve(procCgroup:mountinfo:)`` or reading `/proc/<pid>/cgroup` otherwise.
    public func locate(pid: Int, containerID: String) throws(CgroupError) -> CgroupPaths {
        let paths = try CgroupPaths.resolve(
            procCgroup: try Self.contents("\(procRoot)/\(pid)/cgroup"), mountinfo: try Self.contents("\(procRoot)/self/mountinfo"))
        guard pid > 0, paths.containerDirectory.split(separator: "/").last?.contains(containerID) == true else {
            throw CgroupError.notTheContainer(pid: pid, containerID: containerID, directory: paths.containerDirectory)
        }
        return paths
    }

    /// Reads the counters now; `pid` is the container's main process, for its network namespace.
    ///
    /// - Throws: ``CgroupError/unreadable(path:reason:)`` when a file is gone (the container stopped) or unreadable;
    ///   ``CgroupError/malformed(path:reason:)`` when a file does not hold what the kernel documents.
    public func read(_ paths: CgroupPaths, pid: Int) throws(CgroupError) -> StatsReading {
        let time = Recorder.now()
        let (systemNanos, onlineCPUs) = try hostCPU()
        let hostMemory = try Self.keyed("\(procRoot)/meminfo", separator: ":")["MemTotal"].map { $0 * 1024 } ?? UInt64.max
        let (rx, tx) = try network(pid)
        var reading = StatsReading(
            readNanos: time, cpuTotalNanos: 0, systemCPUNanos: systemNanos, onlineCPUs: onlineCPUs, throttledPeriods: 0,
            memoryUsageBytes: 0, inactiveFileBytes: 0, memoryLimitBytes: 0, pids: 0, networkRxBytes: rx, networkTxBytes: tx,
            blockReadBytes: 0, blockWriteBytes: 0)
        switch paths {
        case .v1(let memory, let cpu, let cpuacct, let pids, let blkio):
            reading.cpuTotalNanos = try Self.number("\(cpuacct)/cpuacct.usage")
            reading.throttledPeriods = try Self.keyed("\(cpu)/cpu.stat")["nr_throttled"] ?? 0
            reading.memoryUsageBytes = try Self.number("\(memory)/memory.usage_in_bytes")
            reading.inactiveFileBytes = try Self.keyed("\(memory)/memory.stat")["total_inactive_file"] ?? 0
            reading.memoryLimitBytes = min(try Self.number("\(memory)/memory.limit_in_bytes"), hostMemory)
            reading.pids = try Self.number("\(pids)/pids.current")
            (reading.blockReadBytes, reading.blockWriteBytes) = try Self.blockIOv1("\(blkio)/blkio.throttle.io_service_bytes_recursive")
        case .v2(let directory):
            let cpuStat = try Self.keyed("\(directory)/cpu.stat")
            reading.cpuTotalNanos = (cpuStat["usage_usec"] ?? 0) * 1000
            reading.throttledPeriods = cpuStat["nr_throttled"] ?? 0
            reading.memoryUsageBytes = try Self.number("\(directory)/memory.current")
            reading.inactiveFileBytes = try Self.keyed("\(directory)/memory.stat")["inactive_file"] ?? 0
            let max = try Self.contents("\(directory)/memory.max").trimmingCharacters(in: .whitespacesAndNewlines)
            reading.memoryLimitBytes = max == "max" ? hostMemory : min(try Self.parse(max, "\(directory)/memory.max"), hostMemory)
            // pids.current and io.stat exist only when the pids and io controllers are enabled for the subtree.
            reading.pids = try Self.number("\(directory)/pids.current", missing: "0")
            (reading.blockReadBytes, reading.blockWriteBytes) = try Self.blockIOv2("\(directory)/io.stat")
        }
        return reading
    }

    /// The host's CPU time in nanoseconds (user, nice, system, idle, iowait, irq, softirq) and the online CPUs.
    private func hostCPU() throws(CgroupError) -> (UInt64, Int) {
        let path = "\(procRoot)/stat"
        let lines = try Self.contents(path).split(separator: "\n")
        guard let total = lines.first(where: { $0.hasPrefix("cpu ") }) else { throw CgroupError.malformed(path: path, reason: "no cpu line") }
        let ticks = total.split(separator: " ").dropFirst().prefix(7).compactMap { UInt64($0) }
        guard ticks.count == 7 else { throw CgroupError.malformed(path: path, reason: "the cpu line has fewer than 7 counters") }
        let online = lines.filter { $0.hasPrefix("cpu") && $0.dropFirst(3).first?.isNumber == true }.count
        return (ticks.reduce(0, +) * nanosPerClockTick, max(online, 1))
    }

    /// Bytes received and sent over every interface of the process's network namespace except `lo`.
    private func network(_ pid: Int) throws(CgroupError) -> (UInt64, UInt64) {
        var rx: UInt64 = 0
        var tx: UInt64 = 0
        for line in try Self.contents("\(procRoot)/\(pid)/net/dev").split(separator: "\n").dropFirst(2) {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) != "lo" else { continue }
            let counters = parts[1].split(separator: " ")
            guard counters.count >= 9, let received = UInt64(counters[0]), let sent = UInt64(counters[8]) else {
                throw CgroupError.malformed(path: "\(procRoot)/\(pid)/net/dev", reason: "unexpected line '\(line)'")
            }
            rx += received
            tx += sent
        }
        return (rx, tx)
    }

    /// `MAJ:MIN Read N` / `MAJ:MIN Write N` lines (and `Total N`); a missing file (no blkio throttling) reads as zero.
    private static func blockIOv1(_ path: String) throws(CgroupError) -> (UInt64, UInt64) {
        var read: UInt64 = 0
        var write: UInt64 = 0
        for line in try contents(path, missing: "").split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 3, let value = UInt64(fields[2]) else { continue }
            switch fields[1].lowercased() {
            case "read": read += value
            case "write": write += value
            default: break
            }
        }
        return (read, write)
    }

    /// `MAJ:MIN rbytes=N wbytes=N rios=N …` lines; a missing file (io controller not enabled) reads as zero.
    private static func blockIOv2(_ path: String) throws(CgroupError) -> (UInt64, UInt64) {
        var read: UInt64 = 0
        var write: UInt64 = 0
        for line in try contents(path, missing: "").split(separator: "\n") {
            for field in line.split(separator: " ").dropFirst() {
                if field.hasPrefix("rbytes=") { read += UInt64(field.dropFirst(7)) ?? 0 }
                if field.hasPrefix("wbytes=") { write += UInt64(field.dropFirst(7)) ?? 0 }
            }
        }
        return (read, write)
    }

    /// A file holding one number (`missing` stands for a file that does not exist, when given).
    private static func number(_ path: String, missing: String? = nil) throws(CgroupError) -> UInt64 {
        try parse(try contents(path, missing: missing).trimmingCharacters(in: .whitespacesAndNewlines), path)
    }

    private static func parse(_ text: String, _ path: String) throws(CgroupError) -> UInt64 {
        guard let value = UInt64(text) else { throw CgroupError.malformed(path: path, reason: "'\(text.prefix(40))' is not a number") }
        return value
    }

    /// A file of `key value` lines (`memory.stat`, `cpu.stat`; `key: value kB` with `separator: ":"` for meminfo).
    private static func keyed(_ path: String, separator: Character = " ") throws(CgroupError) -> [String: UInt64] {
        var values: [String: UInt64] = [:]
        for line in try contents(path).split(separator: "\n") {
            let parts = line.split(separator: separator, maxSplits: 1)
            guard parts.count == 2, let value = parts[1].split(separator: " ").first.flatMap({ UInt64($0) }) else { continue }
            values[String(parts[0])] = value
        }
        return values
    }

    /// A whole file, read with one `open`/`read`/`close` (these files are small and generated on read);
    /// `missing` is returned for a file that does not exist, when given.
    static func contents(_ path: String, missing: String? = nil) throws(CgroupError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT, let missing { return missing }
            throw CgroupError.unreadable(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { throw CgroupError.unreadable(path: path, reason: String(cString: strerror(errno))) }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
