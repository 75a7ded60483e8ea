/// Where one process's cgroup files are: the directory of each cgroup v1 controller blackbox reads, or the single
/// cgroup v2 (unified) directory.
///
/// Built from `/proc/<pid>/cgroup` (one line `hierarchy-ID:controller-list:cgroup-path` per hierarchy; `0::path` for
/// cgroup v2) and `/proc/self/mountinfo` (where each hierarchy is mounted, and which part of it the mount shows), so it
/// works with the engine's `cgroupfs` and `systemd` drivers alike: `/docker/<id>` or `/system.slice/docker-<id>.scope`.
public enum CgroupPaths: Sendable, Equatable {
    /// cgroup v1: one directory per controller (they may share one mount, as `cpu,cpuacct` often does).
    case v1(memory: String, cpu: String, cpuacct: String, pids: String, blkio: String)
    /// cgroup v2: the process's directory in the unified hierarchy.
    case v2(String)

    /// The directory whose last component names the container (`<id>` or `docker-<id>.scope`).
    public var containerDirectory: String {
        switch self {
        case .v1(let memory, _, _, _, _): memory
        case .v2(let directory): directory
        }
    }

    /// `v1` or `v2`.
    public var version: String {
        switch self {
        case .v1: "v1"
        case .v2: "v2"
        }
    }

    /// Resolves the directories from the text of `/proc/<pid>/cgroup` and `/proc/self/mountinfo`.
    ///
    /// A process with any v1 controller line is read through v1 (a hybrid host mounts v2 only for systemd's own use);
    /// otherwise through its `0::` line and the `cgroup2` mount.
    /// - Throws: ``CgroupError/notMounted(controller:)`` when a controller blackbox reads has no mount that shows the
    ///   process's cgroup (in another cgroup namespace, say); ``CgroupError/malformed(path:reason:)`` when `procCgroup`
    ///   has no usable line.
    public static func resolve(procCgroup: String, mountinfo: String) throws(CgroupError) -> CgroupPaths {
        var v1: [String: String] = [:]
        var unified: String?
        for line in procCgroup.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            if fields[0] == "0" && fields[1].isEmpty {
                unified = String(fields[2])
            } else {
                for controller in fields[1].split(separator: ",") { v1[String(controller)] = String(fields[2]) }
            }
        }
        let mounts = CgroupMount.parse(mountinfo: mountinfo)
        func directory(_ controller: String, _ path: String) throws(CgroupError) -> String {
            for mount in mounts where mount.controllers.contains(controller) {
                if let directory = mount.directory(of: path) { return directory }
            }
            throw CgroupError.notMounted(controller: controller)
        }
        if let memory = v1["memory"] {
            func dir(_ controller: String) throws(CgroupError) -> String {
                guard let path = v1[controller] else { throw CgroupError.notMounted(controller: controller) }
                return try directory(controller, path)
            }
            return .v1(
                memory: try directory("memory", memory), cpu: try dir("cpu"), cpuacct: try dir("cpuacct"), pids: try dir("pids"),
                blkio: try dir("blkio"))
        }
        guard let unified else { throw CgroupError.malformed(path: "/proc/<pid>/cgroup", reason: "no memory controller and no cgroup v2 line") }
        return .v2(try directory(CgroupMount.unifiedController, unified))
    }
}

/// One cgroup file system mount from `/proc/self/mountinfo`.
struct CgroupMount: Equatable {
    /// The name used for the cgroup v2 hierarchy, which has no controller list in `/proc/<pid>/cgroup`.
    static let unifiedController = "(unified)"

    /// The v1 controllers it holds (from the super options, `name=systemd` included), or ``unifiedController``.
    var controllers: Set<String>
    /// The part of the hierarchy the mount shows (`/` unless bind-mounted or in a cgroup namespace).
    var root: String
    var mountPoint: String

    /// The directory of cgroup `path` under this mount, or nil when the mount does not show it.
    func directory(of path: String) -> String? {
        if root == "/" { return mountPoint + (path == "/" ? "" : path) }
        if path == root { return mountPoint }
        guard path.hasPrefix(root + "/") else { return nil }
        return mountPoint + path.dropFirst(root.count)
    }

    /// The cgroup mounts of a mountinfo text (fields: id parent dev root mount-point options … - fstype source super-options).
    static func parse(mountinfo: String) -> [CgroupMount] {
        mountinfo.split(separator: "\n").compactMap { line -> CgroupMount? in
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2 else { return nil }
            let fields = halves[0].split(separator: " ")
            let tail = halves[1].split(separator: " ")
            guard fields.count >= 5, tail.count >= 3 else { return nil }
            let root = unescape(fields[3])
            let mountPoint = unescape(fields[4])
            switch tail[0] {
            case "cgroup":
                let controllers = Set(tail[2].split(separator: ",").map(String.init)).subtracting(["rw", "ro"])
                return CgroupMount(controllers: controllers, root: root, mountPoint: mountPoint)
            case "cgroup2":
                return CgroupMount(controllers: [unifiedController], root: root, mountPoint: mountPoint)
            default:
                return nil
            }
        }
    }

    /// mountinfo writes space, tab, newline and backslash in paths as octal escapes (`\040`).
    private static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var result = ""
        var rest = field[...]
        while let slash = rest.firstIndex(of: "\\") {
            result += rest[..<slash]
            let digits = rest[rest.index(after: slash)...].prefix(3)
            if digits.count == 3, let code = UInt8(digits, radix: 8) {
                result.append(Character(Unicode.Scalar(code)))
                rest = rest[rest.index(slash, offsetBy: 4)...]
            } else {
                result.append("\\")
                rest = rest[rest.index(after: slash)...]
            }
        }
        return result + rest
    }
}
