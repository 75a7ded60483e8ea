import BlackboxCore
import BlackboxStore
import DockerEngine
import Foundation
import Playbooks
import Recorder
import Testing

/// A filesystem a running container writes, nearly full (issue 18, class 3): which filesystems count, how full they
/// are from `statvfs` numbers, when the detector starts and ends an episode, and what `disk-near-full` says. No I/O:
/// inspect payloads and `statvfs` answers are built by hand.
@Suite struct DiskPressureTests {
    static let mib: Int64 = 1_048_576

    static func inspect(hostConfig: String, mounts: String) throws -> ContainerInspect {
        try ContainerInspect.decode(Data("""
            {"Id": "c1", "Name": "/db", "State": {"Status": "running", "Running": true, "Pid": 42}, "Config": {"Image": "db:1"},
             "HostConfig": \(hostConfig), "Mounts": \(mounts)}
            """.utf8))
    }

    static let mounts = """
        [{"Type": "volume", "Name": "pgdata", "Source": "/var/lib/docker/volumes/pgdata/_data", "Destination": "/var/lib/postgresql/data", "RW": true},
         {"Type": "bind", "Source": "/srv/config", "Destination": "/etc/app", "RW": false},
         {"Type": "bind", "Source": "/var/run/docker.sock", "Destination": "/var/run/docker.sock", "RW": true},
         {"Type": "tmpfs", "Source": "", "Destination": "/scratch", "RW": true},
         {"Type": "bind", "Source": "/home/me/uploads", "Destination": "/uploads", "RW": true}]
        """

    @Test func theFilesystemsAContainerWritesAreItsReadWriteMountsAndAQuotaedRoot() throws {
        let plain = try Self.inspect(hostConfig: #"{"Tmpfs": {"/run": "size=10m"}}"#, mounts: Self.mounts)
        #expect(FilesystemUsageReader.writable(plain).map(\.destination) == ["/var/lib/postgresql/data", "/var/run/docker.sock", "/scratch", "/uploads", "/run"])
        #expect(FilesystemUsageReader.writable(plain).first?.name == "pgdata")
        #expect(FilesystemUsageReader.writable(plain).first?.hostPath == "/var/lib/docker/volumes/pgdata/_data")
        let quota = try Self.inspect(hostConfig: #"{"StorageOpt": {"size": "2G"}}"#, mounts: "[]")
        #expect(FilesystemUsageReader.writable(quota).map(\.type) == ["rootfs"])
        let readOnly = try Self.inspect(hostConfig: #"{"StorageOpt": {"size": "2G"}, "ReadonlyRootfs": true}"#, mounts: "[]")
        #expect(FilesystemUsageReader.writable(readOnly).isEmpty)
    }

    @Test func usageCountsAsDfDoesAndOneFilesystemOnce() throws {
        let container = try Self.inspect(hostConfig: #"{"StorageOpt": {"size": "2G"}}"#, mounts: Self.mounts)
        let stats: [String: FilesystemStat] = [
            // 20 MiB in 4 KiB blocks, 128 blocks free, 5 % reserved for root (available 0).
            "/var/lib/postgresql/data": FilesystemStat(blocks: 5120, freeBlocks: 384, availableBlocks: 128, blockBytes: 4096, inodes: 1000, freeInodes: 10, id: 7),
            // The same filesystem as the volume: counted once, as the volume.
            "/uploads": FilesystemStat(blocks: 5120, freeBlocks: 384, availableBlocks: 128, blockBytes: 4096, inodes: 1000, freeInodes: 10, id: 7),
            "/": FilesystemStat(blocks: 100, freeBlocks: 50, availableBlocks: 50, blockBytes: 4096, inodes: 0, freeInodes: 0, id: 9),
            "/scratch": FilesystemStat(blocks: 0, freeBlocks: 0, availableBlocks: 0, blockBytes: 4096, inodes: 0, freeInodes: 0, id: 11),
        ]
        let usages = FilesystemUsageReader.usage(container) { stats[$0] }
        #expect(usages.map(\.mount.destination) == ["/", "/var/lib/postgresql/data"])
        let volume = try #require(usages.last)
        #expect(volume.usedBytes == (5120 - 384) * 4096)
        #expect(volume.sizeBytes == (5120 - 384 + 128) * 4096)
        #expect(abs(volume.ratio - 4736.0 / 4864.0) < 1e-9)
        #expect(volume.mount.availableBytes == 128 * 4096)
        #expect(volume.mount.inodesUsed == 990 && volume.mount.inodes == 1000)
        #expect(usages.first?.mount.inodes == nil, "a filesystem without an inode count has none")
        // Hostile numbers (a huge block size) clamp instead of trapping.
        let huge = FilesystemStat(blocks: .max, freeBlocks: 0, availableBlocks: .max, blockBytes: .max, inodes: 0, freeInodes: 0, id: 1)
        let clamped = FilesystemUsageReader.usage(try Self.inspect(hostConfig: "{}", mounts: Self.mounts)) { $0 == "/uploads" ? huge : nil }
        #expect(clamped.first?.sizeBytes == Int64.max)
    }

    static func sample(_ index: Int) -> ResourceSample {
        ResourceSample(
            containerID: "c1", timeNanos: 1_000_000_000_000 + Int64(index) * 2_000_000_000, cpuPercent: 1, cpuPercentOfLimit: nil,
            cpuThrottledPeriods: 0, memoryUsageBytes: mib, memoryWorkingSetBytes: mib, memoryLimitBytes: 0, pids: 1, networkRxBytes: 0,
            networkTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0)
    }

    static func usage(_ usedMiB: Int64, of sizeMiB: Int64, at destination: String = "/data") -> FilesystemUsage {
        FilesystemUsage(
            mount: .init(destination: destination, type: "volume", name: "data", availableBytes: (sizeMiB - usedMiB) * mib),
            usedBytes: usedMiB * mib, sizeBytes: sizeMiB * mib)
    }

    @Test func theFullestFilesystemStartsAnEpisodeAndItEndsBelowNinetyPercent() throws {
        var detector = PressureDetector(startedNanos: 42)
        let unlimited = PressureLimits(memoryBytes: nil, cpus: nil, cpuPeriodNanos: 100_000_000, pids: nil, sources: [:])
        // (used MiB of 100 on /data, of 100 on /logs) per sample.
        let readings: [(Int64, Int64)] = [(50, 10), (96, 10), (97, 94), (98, 10), (99, 10), (92, 10), (85, 10), (80, 10), (70, 10)]
        var changes: [(Int, EventRecord.Pressure)] = []
        for (index, (data, logs)) in readings.enumerated() {
            let filesystems = [Self.usage(data, of: 100), Self.usage(logs, of: 100, at: "/logs")]
            changes += detector.observe(Self.sample(index), limits: unlimited, filesystems: filesystems).map { (index, $0) }
        }
        #expect(changes.map(\.0) == [3, 8])
        let start = try #require(changes.first?.1)
        #expect(start.resource == .disk && start.phase == .start)
        #expect(start.mount?.destination == "/data")
        #expect(start.value == Double(98 * Self.mib) && start.limit == Double(100 * Self.mib))
        #expect(start.threshold == 0.95)
        #expect(start.source == "statvfs")
        #expect(start.active == [.disk])
        let end = try #require(changes.last?.1)
        #expect(end.phase == .end && end.threshold == 0.9 && end.active.isEmpty)
        #expect(abs(end.peakRatio - 0.99) < 1e-9)
        // Without filesystems read (the stats-API sampler), disk decides nothing.
        var blind = PressureDetector(startedNanos: 42)
        #expect((0..<6).flatMap { blind.observe(Self.sample($0), limits: unlimited) }.isEmpty)
    }

    @Test func aVolumeNearlyFullIsDiagnosedWithItsNameHostPathAndWhatIsLeft() throws {
        var history = InMemoryHistory(name: "db")
        history.inspect = ["Config": ["Image": "postgres:16"], "HostConfig": ["RestartPolicy": ["Name": "always"]]]
        history.engine("create")
        history.start()
        history.advance(seconds: 60)
        let mount = EventRecord.Pressure.Mount(
            destination: "/var/lib/postgresql/data", type: "volume", name: "pgdata", hostPath: "/var/lib/docker/volumes/pgdata/_data",
            availableBytes: 512 * 1024)
        history.pressure(.disk, .start, value: Double(19 * Self.mib + 512 * 1024), limit: Double(20 * Self.mib), mount: mount)
        let incident = try #require(history.incidents.first)
        #expect(incident.trigger == "disk_pressure")
        #expect(incident.exitCode == nil)
        let best = try #require(history.diagnose(incident).perOccurrence.first?.first)
        #expect(best.playbook.id == "disk-near-full")
        #expect(best.playbook.severity == .warning)
        #expect(best.diagnosis.contains("the filesystem of /var/lib/postgresql/data 98 % full: 19.5MiB of 20MiB used, 512KiB left"), "\(best.diagnosis)")
        #expect(best.diagnosis.contains("the volume pgdata (/var/lib/docker/volumes/pgdata/_data on the engine's host)"))
        #expect(!best.diagnosis.contains("root filesystem") && !best.diagnosis.contains("tmpfs"))
        #expect(best.fix.contains("docker exec db du -xsh /var/lib/postgresql/data"))
        #expect(best.fix.contains("df -h /var/lib/docker/volumes/pgdata/_data"))
        #expect(!best.diagnosis.contains("unknown") && !best.fix.contains("unknown"))
    }

    @Test func aTmpfsNearlyFullIsToldToGrowTheTmpfs() throws {
        var history = InMemoryHistory(name: "cache")
        history.engine("create")
        history.start()
        history.advance(seconds: 60)
        let mount = EventRecord.Pressure.Mount(destination: "/cache", type: "tmpfs", availableBytes: 0)
        history.pressure(.disk, .start, value: Double(64 * Self.mib), limit: Double(64 * Self.mib), mount: mount)
        let incident = try #require(history.incidents.first)
        let best = try #require(history.diagnose(incident).perOccurrence.first?.first)
        #expect(best.playbook.id == "disk-near-full")
        #expect(best.diagnosis.contains("It is a tmpfs"))
        #expect(best.fix.contains("--tmpfs /cache:size=128m"), "\(best.fix)")
        #expect(!best.fix.contains("du -xsh"))
    }
}
