import BlackboxStore
import DockerEngine
import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One filesystem a running container writes, as `statvfs(3)` reports it: the bytes used and the size, counted as
/// `df` counts them (size = used + available to an unprivileged process), so ``ratio`` is `df`'s Use%.
public struct FilesystemUsage: Sendable, Equatable {
    public var mount: EventRecord.Pressure.Mount
    /// (`f_blocks` − `f_bfree`) × `f_frsize`, bytes.
    public var usedBytes: Int64
    /// ``usedBytes`` + `f_bavail` × `f_frsize`, bytes.
    public var sizeBytes: Int64

    public var ratio: Double { sizeBytes > 0 ? Double(usedBytes) / Double(sizeBytes) : 0 }

    public init(mount: EventRecord.Pressure.Mount, usedBytes: Int64, sizeBytes: Int64) {
        self.mount = mount
        self.usedBytes = usedBytes
        self.sizeBytes = sizeBytes
    }
}

/// The numbers of one `statvfs(3)` call that ``FilesystemUsage`` is made of.
public struct FilesystemStat: Sendable, Equatable {
    /// `f_blocks`, `f_bfree`, `f_bavail`: blocks in all, free, and free to an unprivileged process.
    public var blocks: UInt64
    public var freeBlocks: UInt64
    public var availableBlocks: UInt64
    /// `f_frsize`: bytes per block.
    public var blockBytes: UInt64
    /// `f_files`, `f_ffree`: inodes in all and free (0 in all on filesystems without an inode count, as btrfs).
    public var inodes: UInt64
    public var freeInodes: UInt64
    /// `f_fsid`: which filesystem it is, so two mounts of one filesystem count once.
    public var id: UInt64

    public init(blocks: UInt64, freeBlocks: UInt64, availableBlocks: UInt64, blockBytes: UInt64, inodes: UInt64, freeInodes: UInt64, id: UInt64) {
        self.blocks = blocks
        self.freeBlocks = freeBlocks
        self.availableBlocks = availableBlocks
        self.blockBytes = blockBytes
        self.inodes = inodes
        self.freeInodes = freeInodes
        self.id = id
    }
}

/// Which filesystems a container writes and how full they are. The choice is pure (``usage(_:stat:)`` takes the
/// `statvfs` call as a function); ``read(_:pid:)`` makes the calls through `/proc/PID/root`, the container's own view
/// of its mounts, so it works on the engine's host only (the cgroup sampler's condition) and needs root.
public enum FilesystemUsageReader {
    /// The filesystems the container may write: every read-write volume, bind mount and tmpfs mount of `Mounts`,
    /// every `--tmpfs` path (`HostConfig.Tmpfs`), and its root filesystem when its writable layer has a quota of its
    /// own (`--storage-opt size=`, not `--read-only`). Without a quota the root filesystem is the engine's data root,
    /// shared by every container: its filling is the host's trouble, not one incident per container.
    public static func writable(_ inspect: ContainerInspect) -> [EventRecord.Pressure.Mount] {
        var mounts: [EventRecord.Pressure.Mount] = []
        if !inspect.hostConfig.readonlyRootfs, inspect.hostConfig.storageSize != nil {
            mounts.append(.init(destination: "/", type: "rootfs", availableBytes: 0))
        }
        for mount in inspect.mounts where mount.readWrite && ["volume", "bind", "tmpfs"].contains(mount.type) && mount.destination.hasPrefix("/") {
            mounts.append(.init(destination: mount.destination, type: mount.type, name: mount.name, hostPath: mount.source.isEmpty ? nil : mount.source, availableBytes: 0))
        }
        for destination in inspect.hostConfig.tmpfsDestinations where destination.hasPrefix("/") && !mounts.contains(where: { $0.destination == destination }) {
            mounts.append(.init(destination: destination, type: "tmpfs", availableBytes: 0))
        }
        return mounts
    }

    /// The usage of each filesystem the container writes, one entry per filesystem: of mounts on one filesystem
    /// (the same `f_fsid`), the first other than the root filesystem is kept. `stat` answers for a container path
    /// (nil when it is not a directory or cannot be read: a bind-mounted file, a path gone).
    public static func usage(_ inspect: ContainerInspect, stat: (String) -> FilesystemStat?) -> [FilesystemUsage] {
        var byFilesystem: [UInt64: Int] = [:]
        var usages: [FilesystemUsage] = []
        for var mount in writable(inspect) {
            guard let numbers = stat(mount.destination), numbers.blocks > 0, numbers.blockBytes > 0 else { continue }
            let bytes = { (blocks: UInt64) in Int64(clamping: blocks.multipliedReportingOverflow(by: numbers.blockBytes).overflow ? UInt64(Int64.max) : blocks * numbers.blockBytes) }
            let used = bytes(numbers.blocks - min(numbers.freeBlocks, numbers.blocks))
            let available = bytes(numbers.availableBlocks)
            mount.availableBytes = available
            if numbers.inodes > 0 {
                mount.inodes = Int64(clamping: numbers.inodes)
                mount.inodesUsed = Int64(clamping: numbers.inodes - min(numbers.freeInodes, numbers.inodes))
            }
            let usage = FilesystemUsage(mount: mount, usedBytes: used, sizeBytes: used.addingReportingOverflow(available).overflow ? Int64.max : used + available)
            if let index = byFilesystem[numbers.id] {
                if usages[index].mount.type == "rootfs" { usages[index] = usage }
            } else {
                byFilesystem[numbers.id] = usages.count
                usages.append(usage)
            }
        }
        return usages
    }

    /// ``usage(_:stat:)`` with `statvfs(3)` of `/proc/PID/root` + the container path; empty for a pid of 0.
    public static func read(_ inspect: ContainerInspect, pid: Int) -> [FilesystemUsage] {
        guard pid > 0 else { return [] }
        return usage(inspect) { destination in
            let path = "/proc/\(pid)/root" + (destination == "/" ? "/" : destination)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
            var numbers = statvfs()
            guard statvfs(path, &numbers) == 0 else { return nil }
            return FilesystemStat(
                blocks: UInt64(numbers.f_blocks), freeBlocks: UInt64(numbers.f_bfree), availableBlocks: UInt64(numbers.f_bavail),
                blockBytes: UInt64(numbers.f_frsize), inodes: UInt64(numbers.f_files), freeInodes: UInt64(numbers.f_ffree), id: UInt64(numbers.f_fsid))
        }
    }
}
