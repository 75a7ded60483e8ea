/// One service of a compose project, as far as the checklist needs it. Every field keeps the file and line it
/// was written at; after a multi-file merge, the line of the file whose value won.
public struct ComposeService: Sendable {
    public var name: String
    /// The service's key under `services:` (in the first file that defines it).
    public var location: ComposeLocation
    public var image: Located<String>?
    public var command: Located<ComposeCommand>?
    public var entrypoint: Located<ComposeCommand>?
    /// `environment` and `env_file` together, in order of first definition; `environment` wins over `env_file`.
    public var environment: [ComposeVariable] = []
    /// `mem_limit`, or `deploy.resources.limits.memory` (which wins when both are set), bytes.
    public var memoryLimit: Located<MemoryLimit>?
    /// `cpus`, or `deploy.resources.limits.cpus` (which wins when both are set), in CPUs.
    public var cpus: Located<Double>?
    public var ports: [ComposePort] = []
    public var volumes: [ComposeVolume] = []
    public var dependsOn: [ComposeDependency] = []
    /// The `depends_on` key itself (of the last file that writes one): where a fix to the service's dependencies goes.
    public var dependsOnKey: ComposeLocation?
    public var healthcheck: Located<ComposeHealthcheck>?
    /// `no`, `always`, `on-failure[:N]`, `unless-stopped`.
    public var restart: Located<String>?
    public var networkMode: Located<String>?
    /// `UID`, `UID:GID`, `name` or `name:group`.
    public var user: Located<String>?
    /// `stop_grace_period`, nanoseconds (the engine's default is 10 s).
    public var stopGracePeriodNanos: Located<Int64>?
    /// `init: true` runs an init process as PID 1 that forwards signals.
    public var initProcess: Located<Bool>?
    /// `read_only: true` mounts the root file system read-only.
    public var readOnly: Located<Bool>?
    /// `tmpfs` mount points (from `tmpfs:` and `volumes:` of type tmpfs).
    public var tmpfs: [Located<String>] = []
    /// `shm_size`, bytes.
    public var shmSizeBytes: Located<Int64>?

    public init(name: String, location: ComposeLocation) {
        self.name = name
        self.location = location
    }

    /// A memory limit and the key that set it, so a fix names the same key.
    public struct MemoryLimit: Sendable, Equatable {
        /// Bytes.
        public var bytes: Int64
        /// `mem_limit` or `deploy.resources.limits.memory`.
        public var key: String

        public init(bytes: Int64, key: String) {
            self.bytes = bytes
            self.key = key
        }
    }

    /// Whether the service has a health check that is not disabled.
    public var hasHealthcheck: Bool { healthcheck.map { !$0.value.disabled } ?? false }

    /// The variable `name`, if the service sets it.
    public func variable(_ name: String) -> ComposeVariable? {
        environment.first { $0.name == name }
    }
}

/// `command` or `entrypoint`: the string form is split into words as compose splits it (no shell runs it).
public struct ComposeCommand: Sendable, Equatable {
    public var words: [String]
    /// Written as one string rather than a list.
    public var writtenAsString: Bool

    public init(words: [String], writtenAsString: Bool) {
        self.words = words
        self.writtenAsString = writtenAsString
    }
}

/// One environment variable of a service.
public struct ComposeVariable: Sendable {
    public var name: String
    /// After interpolation; nil when the compose file names it without a value (taken from the shell at run time).
    public var value: String?
    public var location: ComposeLocation
    /// Written with its value in a compose file, no `${…}` in it (a credential written this way ends up in version control).
    public var literalInComposeFile: Bool
}

/// One entry of `ports`: a port or a range of ports, kept as a range (a `1-65535` entry costs what `80` does).
public struct ComposePort: Sendable {
    /// The host address; nil for every address.
    public var hostIP: String?
    /// The host ports, 1…65535: one (`8080...8080`) or a range; nil when the engine picks an ephemeral port.
    public var hostPorts: ClosedRange<Int>?
    /// The container ports, 1…65535: one, or a range as long as ``hostPorts`` (port by port).
    public var containerPorts: ClosedRange<Int>
    /// `tcp` or `udp`.
    public var proto: String
    public var location: ComposeLocation

    /// The container port that host port `hostPort` of ``hostPorts`` forwards to: the same offset into
    /// ``containerPorts`` when both ranges are as long, else its first port.
    public func containerPort(for hostPort: Int) -> Int {
        guard let hostPorts, hostPorts.count == containerPorts.count else { return containerPorts.lowerBound }
        return containerPorts.lowerBound + (hostPort - hostPorts.lowerBound)
    }
}

/// One entry of `volumes`.
public struct ComposeVolume: Sendable {
    public enum Kind: String, Sendable {
        case bind, volume, tmpfs
    }

    public var kind: Kind
    /// A bind mount's host path made absolute (relative to the project directory, `~` expanded); a volume's name; nil for an anonymous volume.
    public var source: String?
    /// The source as written.
    public var writtenSource: String?
    /// The path inside the container.
    public var target: String
    public var readOnly: Bool
    public var location: ComposeLocation
}

/// One entry of `depends_on`.
public struct ComposeDependency: Sendable {
    public var service: String
    /// `service_started` (the list form's meaning), `service_healthy` or `service_completed_successfully`.
    public var condition: String
    public var location: ComposeLocation
}

/// A service's `healthcheck`.
public struct ComposeHealthcheck: Sendable {
    public var test: [String]
    /// `disable: true`, or `test: ["NONE"]`.
    public var disabled: Bool
}
