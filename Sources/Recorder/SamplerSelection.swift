import DockerEngine
import Logging

/// Picks, per container, where its samples come from (``SamplerMode``), and says once in the log which it is.
actor SamplerSelection {
    /// Where one container's readings come from.
    enum Source {
        case api
        case cgroup(CgroupPaths, pid: Int)
    }

    private let mode: SamplerMode
    private let engineIsLocal: Bool
    private let address: String
    private let logger: Logger
    let cgroups: CgroupSampler
    private var announced: Set<String> = []

    init(mode: SamplerMode, engine: EngineAddress, logger: Logger, cgroups: CgroupSampler = CgroupSampler()) {
        self.mode = mode
        if case .unixSocket = engine.transport { engineIsLocal = true } else { engineIsLocal = false }
        address = engine.description
        self.logger = logger
        self.cgroups = cgroups
    }

    /// The source for a running container; nil when it has no process any more (its snapshot has `State.Pid` 0: it
    /// exited, or is restarting, before its sampler started) or when `--sampler cgroup` cannot read it (logged).
    func source(for inspect: ContainerInspect) -> Source? {
        guard inspect.state.pid > 0 else { return nil }
        if mode == .api || (mode == .auto && !engineIsLocal) {
            announce("sampling containers through the engine's stats API", reason: mode == .api ? "--sampler api" : "the engine is not on this host (\(address))")
            return .api
        }
        do {
            let paths = try cgroups.locate(pid: inspect.state.pid, containerID: inspect.id)
            _ = try cgroups.read(paths, pid: inspect.state.pid)
            announce("sampling containers from their cgroup files", reason: nil, metadata: ["cgroup.version": "\(paths.version)"])
            return .cgroup(paths, pid: inspect.state.pid)
        } catch {
            if mode == .cgroup {
                logger.warning("cannot sample a container from its cgroup files", metadata: ["container.id": "\(inspect.id)", "error": "\(error)"])
                return nil
            }
            announce(
                "sampling through the engine's stats API: a container's cgroup files are not readable", reason: "\(error)",
                metadata: ["container.name": "\(inspect.name)"], level: .notice)
            return .api
        }
    }

    /// Logs each choice the first time it is made.
    private func announce(_ message: Logger.Message, reason: String?, metadata: Logger.Metadata = [:], level: Logger.Level = .info) {
        guard announced.insert(message.description).inserted else { return }
        var metadata = metadata
        if let reason { metadata["reason"] = "\(reason)" }
        logger.log(level: level, message, metadata: metadata)
    }
}
