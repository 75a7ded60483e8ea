/// Why a container cannot be sampled from its cgroup files; the recorder then samples it through the stats API.
public enum CgroupError: Error, Equatable, CustomStringConvertible {
    /// A file could not be read (missing: the container stopped or the file system is not visible; or permission denied).
    case unreadable(path: String, reason: String)
    /// A file does not hold what the kernel documents for it.
    case malformed(path: String, reason: String)
    /// No cgroup mount shows the process's cgroup for this controller (a cgroup namespace, or the hierarchy is not mounted).
    case notMounted(controller: String)
    /// The process `State.Pid` names is not in the container's cgroup: blackbox sees another PID namespace than the engine's.
    case notTheContainer(pid: Int, containerID: String, directory: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .malformed(let path, let reason): "\(path): \(reason)"
        case .notMounted(let controller): "no mounted cgroup hierarchy shows the container's \(controller) cgroup"
        case .notTheContainer(let pid, let containerID, let directory):
            "process \(pid) is in \(directory), not in container \(containerID.prefix(12))'s cgroup (another PID namespace?)"
        }
    }
}
