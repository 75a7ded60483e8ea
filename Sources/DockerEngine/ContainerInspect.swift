import Foundation

/// The fields blackbox reads from `GET /containers/{id}/json` (Engine API ≥ 1.41).
///
/// The whole answer is kept as JSON in the store; this type is the typed subset the recorder and
/// projections need. Fields the engine omits decode as their zero value.
public struct ContainerInspect: Sendable, Equatable, Decodable {
    public struct State: Sendable, Equatable, Decodable {
        /// `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
        public var status: String
        public var running: Bool
        public var restarting: Bool
        /// `State.OOMKilled`: the kernel's OOM killer ended PID 1's cgroup task. Reset by the next start.
        public var oomKilled: Bool
        public var pid: Int
        /// `State.ExitCode`: the last exit code; 128+n for signal n; 127/126/128 after some start failures.
        public var exitCode: Int
        /// `State.Error`: the engine's error text for a failed start (empty otherwise).
        public var error: String
        /// `State.StartedAt` / `FinishedAt` as Unix nanoseconds; nil for the engine's zero time.
        public var startedAtNanos: Int64?
        public var finishedAtNanos: Int64?
        /// `State.Health.Status`: `starting`, `healthy` or `unhealthy`; nil without a health check (Docker then sends no
        /// `Health`; Podman sends one with an empty `Status`).
        public var healthStatus: String?

        enum CodingKeys: String, CodingKey {
            case status = "Status", running = "Running", restarting = "Restarting", oomKilled = "OOMKilled"
            case pid = "Pid", exitCode = "ExitCode", error = "Error", startedAt = "StartedAt", finishedAt = "FinishedAt"
            case health = "Health"
        }
        private struct Health: Decodable {
            let Status: String?
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            status = try c.decodeIfPresent(String.self, forKey: .status) ?? ""
            running = try c.decodeIfPresent(Bool.self, forKey: .running) ?? false
            restarting = try c.decodeIfPresent(Bool.self, forKey: .restarting) ?? false
            oomKilled = try c.decodeIfPresent(Bool.self, forKey: .oomKilled) ?? false
            pid = try c.decodeIfPresent(Int.self, forKey: .pid) ?? 0
            exitCode = try c.decodeIfPresent(Int.self, forKey: .exitCode) ?? 0
            error = try c.decodeIfPresent(String.self, forKey: .error) ?? ""
            startedAtNanos = try c.decodeIfPresent(String.self, forKey: .startedAt).flatMap(Timestamp.unixNanos(rfc3339:))
            finishedAtNanos = try c.decodeIfPresent(String.self, forKey: .finishedAt).flatMap(Timestamp.unixNanos(rfc3339:))
            healthStatus = try c.decodeIfPresent(Health.self, forKey: .health)?.Status.flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    public struct Config: Sendable, Equatable, Decodable {
        public var image: String
        public var user: String
        public var tty: Bool
        /// `Config.Env` as `NAME=value` strings.
        public var env: [String]
        public var labels: [String: String]

        enum CodingKeys: String, CodingKey {
            case image = "Image", user = "User", tty = "Tty", env = "Env", labels = "Labels"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            image = try c.decodeIfPresent(String.self, forKey: .image) ?? ""
            user = try c.decodeIfPresent(String.self, forKey: .user) ?? ""
            tty = try c.decodeIfPresent(Bool.self, forKey: .tty) ?? false
            env = try c.decodeIfPresent([String].self, forKey: .env) ?? []
            labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        }
    }

    public struct HostConfig: Sendable, Equatable, Decodable {
        /// `HostConfig.Memory`: the memory limit in bytes; 0 when unlimited.
        public var memoryBytes: Int64
        /// `HostConfig.NanoCpus`: CPUs × 10⁹ (`--cpus`); 0 when unset.
        public var nanoCPUs: Int64
        /// `HostConfig.CpuQuota` / `CpuPeriod` in microseconds (`--cpu-quota`, `--cpu-period`); 0 when unset.
        public var cpuQuota: Int64
        public var cpuPeriod: Int64
        /// `HostConfig.RestartPolicy.Name`: `no`, `always`, `unless-stopped`, `on-failure` (or empty).
        public var restartPolicy: String
        /// `HostConfig.ReadonlyRootfs` (`--read-only`): the container cannot write its root filesystem.
        public var readonlyRootfs: Bool
        /// `HostConfig.Tmpfs` (`--tmpfs`): the container paths mounted as tmpfs, which `Mounts` does not list.
        public var tmpfsDestinations: [String]
        /// `HostConfig.StorageOpt.size` (`--storage-opt size=20G`): a quota on the container's writable layer, as given.
        public var storageSize: String?

        enum CodingKeys: String, CodingKey {
            case memory = "Memory", nanoCPUs = "NanoCpus", cpuQuota = "CpuQuota", cpuPeriod = "CpuPeriod", restartPolicy = "RestartPolicy"
            case readonlyRootfs = "ReadonlyRootfs", tmpfs = "Tmpfs", storageOpt = "StorageOpt"
        }
        private struct RestartPolicy: Decodable {
            let Name: String?
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            memoryBytes = try c.decodeIfPresent(Int64.self, forKey: .memory) ?? 0
            nanoCPUs = try c.decodeIfPresent(Int64.self, forKey: .nanoCPUs) ?? 0
            cpuQuota = try c.decodeIfPresent(Int64.self, forKey: .cpuQuota) ?? 0
            cpuPeriod = try c.decodeIfPresent(Int64.self, forKey: .cpuPeriod) ?? 0
            restartPolicy = try c.decodeIfPresent(RestartPolicy.self, forKey: .restartPolicy)?.Name ?? ""
            readonlyRootfs = try c.decodeIfPresent(Bool.self, forKey: .readonlyRootfs) ?? false
            tmpfsDestinations = (try? c.decodeIfPresent([String: String].self, forKey: .tmpfs)).flatMap { $0?.keys.sorted() } ?? []
            storageSize = (try? c.decodeIfPresent([String: String].self, forKey: .storageOpt))?.flatMap { $0["size"] }
        }

        /// The container's CPU limit in CPUs (`NanoCpus`, else `CpuQuota/CpuPeriod`); nil when unlimited.
        public var cpuLimit: Double? {
            if nanoCPUs > 0 { return Double(nanoCPUs) / 1e9 }
            if cpuQuota > 0 && cpuPeriod > 0 { return Double(cpuQuota) / Double(cpuPeriod) }
            return nil
        }
    }

    /// One entry of `Mounts` (Engine API v1.25+): a volume, bind mount or tmpfs mount of the container.
    public struct Mount: Sendable, Equatable, Decodable {
        /// `Type`: `volume`, `bind`, `tmpfs`, `npipe`, `cluster`.
        public var type: String
        /// `Name`: the volume's name, for a volume.
        public var name: String?
        /// `Source`: the path on the engine's host (empty for tmpfs).
        public var source: String
        /// `Destination`: the path inside the container.
        public var destination: String
        /// `RW`: whether the container may write it.
        public var readWrite: Bool

        enum CodingKeys: String, CodingKey {
            case type = "Type", name = "Name", source = "Source", destination = "Destination", readWrite = "RW"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decodeIfPresent(String.self, forKey: .type) ?? ""
            name = try c.decodeIfPresent(String.self, forKey: .name).flatMap { $0.isEmpty ? nil : $0 }
            source = try c.decodeIfPresent(String.self, forKey: .source) ?? ""
            destination = try c.decodeIfPresent(String.self, forKey: .destination) ?? ""
            readWrite = try c.decodeIfPresent(Bool.self, forKey: .readWrite) ?? false
        }
    }

    /// `Id`: the full 64-hex container id.
    public var id: String
    /// `Name` without the leading `/`.
    public var name: String
    /// `Created` as Unix nanoseconds.
    public var createdNanos: Int64?
    /// `RestartCount`: restarts done by the restart policy since the last manual start.
    public var restartCount: Int
    public var state: State
    public var config: Config
    public var hostConfig: HostConfig
    /// `Mounts`: the container's volumes, bind mounts and `--mount type=tmpfs` mounts; empty when absent.
    public var mounts: [Mount]

    enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", created = "Created", restartCount = "RestartCount"
        case state = "State", config = "Config", hostConfig = "HostConfig", mounts = "Mounts"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        let rawName = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        name = rawName.hasPrefix("/") ? String(rawName.dropFirst()) : rawName
        createdNanos = try c.decodeIfPresent(String.self, forKey: .created).flatMap(Timestamp.unixNanos(rfc3339:))
        restartCount = try c.decodeIfPresent(Int.self, forKey: .restartCount) ?? 0
        state = try c.decode(State.self, forKey: .state)
        config = try c.decode(Config.self, forKey: .config)
        hostConfig = try c.decode(HostConfig.self, forKey: .hostConfig)
        mounts = (try? c.decodeIfPresent([Mount].self, forKey: .mounts)) ?? []
    }

    /// Decodes an inspect answer.
    ///
    /// - Throws: ``EngineError/decoding(path:reason:)`` when the JSON lacks `Id`, `State`, `Config` or `HostConfig`.
    public static func decode(_ json: Data) throws -> ContainerInspect {
        do {
            return try JSONDecoder().decode(ContainerInspect.self, from: json)
        } catch {
            throw EngineError.decoding(path: "/containers/{id}/json", reason: String(describing: error))
        }
    }
}

/// One entry of `GET /containers/json?all=1`.
public struct ContainerSummary: Sendable, Equatable, Decodable {
    public let id: String
    /// `State`: `created`, `running`, `exited`, ….
    public let state: String
    enum CodingKeys: String, CodingKey {
        case id = "Id", state = "State"
    }
}
