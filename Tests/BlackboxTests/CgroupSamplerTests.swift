import DockerEngine
import Foundation
import Recorder
import Testing

/// The cgroup sampler on files captured from a container on this machine (cgroup v1, cgroupfs driver, read at the same
/// moment as the stats API answer beside them) and on hand-written cgroup v2 files (see `Fixtures/cgroup-v2/README.md`).
@Suite struct CgroupSamplerTests {
    static let v1ID = "03c1fabe0254fde5629d60f7cc9d31d566c0e68de05207bfd378b29353e786ea"
    static let v2ID = "5f0c3b1e2d4a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0"

    static func fixture(_ path: String) -> String { Fixtures.directory.appending(path: path).path }

    @Test func locatesAV1CgroupfsContainerFromItsProcess() throws {
        let sampler = CgroupSampler(procRoot: Self.fixture("cgroup-v1/proc"))
        let paths = try sampler.locate(pid: 30842, containerID: Self.v1ID)
        let suffix = "/docker/\(Self.v1ID)"
        #expect(
            paths
                == .v1(
                    memory: "/sys/fs/cgroup/memory" + suffix, cpu: "/sys/fs/cgroup/cpu" + suffix, cpuacct: "/sys/fs/cgroup/cpuacct" + suffix,
                    pids: "/sys/fs/cgroup/pids" + suffix, blkio: "/sys/fs/cgroup/blkio" + suffix))
    }

    @Test func refusesAProcessOutsideTheContainersCgroup() {
        let sampler = CgroupSampler(procRoot: Self.fixture("cgroup-v1/proc"))
        #expect(throws: CgroupError.self) { try sampler.locate(pid: 30842, containerID: Self.v2ID) }
        #expect(throws: CgroupError.self) { try sampler.locate(pid: 999_999, containerID: Self.v1ID) }
    }

    @Test func readsV1CountersAsTheStatsAPIReportsThem() throws {
        let root = Self.fixture("cgroup-v1")
        let sampler = CgroupSampler(procRoot: root + "/proc")
        let paths = CgroupPaths.v1(memory: root + "/memory", cpu: root + "/cpu", cpuacct: root + "/cpuacct", pids: root + "/pids", blkio: root + "/blkio")
        let files = try sampler.read(paths, pid: 30842)
        let api = try StatsReading.decode(Fixtures.data("cgroup-v1/stats-same-moment.json"))
        #expect(files.cpuTotalNanos == api.cpuTotalNanos)
        #expect(files.throttledPeriods == api.throttledPeriods)
        #expect(files.memoryUsageBytes == api.memoryUsageBytes)
        #expect(files.inactiveFileBytes == api.inactiveFileBytes)
        #expect(files.memoryLimitBytes == api.memoryLimitBytes)
        #expect(files.pids == api.pids)
        #expect(files.networkRxBytes == api.networkRxBytes)
        #expect(files.networkTxBytes == api.networkTxBytes)
        #expect(files.blockReadBytes == api.blockReadBytes)
        #expect(files.blockWriteBytes == api.blockWriteBytes)
        #expect(files.onlineCPUs == api.onlineCPUs)
        // /proc/stat was copied a moment before the engine read it: the same sum, a few ticks apart.
        #expect(abs(Double(files.systemCPUNanos) - Double(api.systemCPUNanos)) / Double(api.systemCPUNanos) < 0.01)
        #expect(files.readNanos > api.readNanos)
    }

    @Test func locatesAV2SystemdContainerAndReadsItsFiles() throws {
        let root = Self.fixture("cgroup-v2")
        let sampler = CgroupSampler(procRoot: root + "/proc")
        let located = try sampler.locate(pid: 4242, containerID: Self.v2ID)
        #expect(located == .v2("/sys/fs/cgroup/system.slice/docker-\(Self.v2ID).scope"))
        let reading = try sampler.read(.v2(root + "/docker-\(Self.v2ID).scope"), pid: 4242)
        #expect(reading.cpuTotalNanos == 2_500_000_000)
        #expect(reading.throttledPeriods == 17)
        #expect(reading.memoryUsageBytes == 52_428_800)
        #expect(reading.inactiveFileBytes == 16_777_216)
        #expect(reading.memoryLimitBytes == 268_435_456)
        #expect(reading.pids == 7)
        #expect(reading.networkRxBytes == 123_456 + 1_000)
        #expect(reading.networkTxBytes == 65_432 + 500)
        #expect(reading.blockReadBytes == 1_459_200 + 4_096)
        #expect(reading.blockWriteBytes == 314_773_504)
        #expect(reading.onlineCPUs == 4)
        #expect(reading.systemCPUNanos == UInt64(60_377_929) * 1_000_000_000 / UInt64(sysconf(Int32(_SC_CLK_TCK))))
        let sample = ResourceSample(containerID: Self.v2ID, current: reading, previous: nil, cpuLimit: nil)
        #expect(sample.memoryWorkingSetBytes == Int64(52_428_800 - 16_777_216))
    }

    @Test func anUnlimitedV2ContainerReportsTheHostsMemoryAndMissingControllersReadAsZero() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = URL(fileURLWithPath: Self.fixture("cgroup-v2/docker-\(Self.v2ID).scope"))
        let copy = directory.url.appending(path: "scope")
        try FileManager.default.copyItem(at: source, to: copy)
        try "max\n".write(to: copy.appending(path: "memory.max"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: copy.appending(path: "io.stat"))
        try FileManager.default.removeItem(at: copy.appending(path: "pids.current"))
        let reading = try CgroupSampler(procRoot: Self.fixture("cgroup-v2/proc")).read(.v2(copy.path), pid: 4242)
        #expect(reading.memoryLimitBytes == 8_048_288 * 1024)
        #expect(reading.pids == 0)
        #expect(reading.blockReadBytes == 0)
    }

    @Test func aMalformedFileIsNamed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let copy = directory.url.appending(path: "scope")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.fixture("cgroup-v2/docker-\(Self.v2ID).scope")), to: copy)
        try "lots\n".write(to: copy.appending(path: "memory.current"), atomically: true, encoding: .utf8)
        let sampler = CgroupSampler(procRoot: Self.fixture("cgroup-v2/proc"))
        #expect(throws: CgroupError.malformed(path: copy.appending(path: "memory.current").path, reason: "'lots' is not a number")) {
            try sampler.read(.v2(copy.path), pid: 4242)
        }
        try FileManager.default.removeItem(at: copy.appending(path: "memory.current"))
        #expect(throws: CgroupError.unreadable(path: copy.appending(path: "memory.current").path, reason: "No such file or directory")) {
            try sampler.read(.v2(copy.path), pid: 4242)
        }
    }

    @Test func keepsEachFileOpenBetweenReadingsAndClosesThemAllAtTheEnd() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let copy = directory.url.appending(path: "scope")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.fixture("cgroup-v2/docker-\(Self.v2ID).scope")), to: copy)
        let prefix = copy.resolvingSymlinksInPath().path + "/"
        /// This process's descriptors open on a file of the copy (other tests run alongside: only these count).
        func openOnTheCopy() throws -> Int {
            try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count {
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)"))?.hasPrefix(prefix) == true
            }
        }
        let sampler = CgroupSampler(procRoot: Self.fixture("cgroup-v2/proc"))
        var files: CgroupFiles? = CgroupFiles()
        let first = try sampler.read(.v2(copy.path), pid: 4242, files: try #require(files))
        let held = try openOnTheCopy()
        #expect(held == 7, "cpu.stat, memory.current, memory.stat, memory.max, pids.current, io.stat and memory.events stay open")
        // The file changes in place (as the kernel's do): the open descriptor reads what it holds now.
        let handle = try FileHandle(forWritingTo: copy.appending(path: "memory.current"))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("123\n".utf8))
        try handle.close()
        let second = try sampler.read(.v2(copy.path), pid: 4242, files: try #require(files))
        #expect(first.memoryUsageBytes != 123)
        #expect(second.memoryUsageBytes == 123)
        #expect(try openOnTheCopy() == held, "a second reading opens nothing more")
        files = nil
        #expect(try openOnTheCopy() == 0, "every descriptor is closed with the last reference")
        _ = try sampler.read(.v2(copy.path), pid: 4242)
        #expect(try openOnTheCopy() == 0, "a one-off reading closes what it opened")
    }

    @Test func resolvesSharedControllerMountsAndMountsOfASubtree() throws {
        let procCgroup = """
            4:memory:/kubepods/pod1/abc123
            3:cpu,cpuacct:/kubepods/pod1/abc123
            2:pids:/kubepods/pod1/abc123
            1:blkio:/kubepods/pod1/abc123
            0::/
            """
        let mountinfo = """
            40 31 0:35 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
            41 31 0:36 /kubepods /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            42 31 0:37 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
            43 31 0:38 / /mnt/with\\040space rw,relatime - cgroup cgroup rw,blkio
            """
        #expect(
            try CgroupPaths.resolve(procCgroup: procCgroup, mountinfo: mountinfo)
                == .v1(
                    memory: "/sys/fs/cgroup/memory/pod1/abc123", cpu: "/sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/abc123",
                    cpuacct: "/sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/abc123", pids: "/sys/fs/cgroup/pids/kubepods/pod1/abc123",
                    blkio: "/mnt/with space/kubepods/pod1/abc123"))
        #expect(throws: CgroupError.notMounted(controller: "memory")) {
            try CgroupPaths.resolve(procCgroup: "4:memory:/elsewhere/abc123\n", mountinfo: mountinfo)
        }
    }
}
