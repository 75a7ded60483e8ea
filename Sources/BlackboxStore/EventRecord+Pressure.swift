import DockerEngine
import Foundation

extension EventRecord {
    /// A resource of a running container under pressure (``Pressure/phase`` `start`) or out of it again (`end`), as
    /// the recorder's pressure detector decided from consecutive samples: of kind `memory_pressure`, `cpu_pressure`,
    /// `pids_pressure` or `disk_pressure` (``Pressure/Resource``).
    ///
    /// Keyed by the container's run, the resource, the phase and the moment the episode began, so the same
    /// transition is stored once.
    public static func pressure(_ pressure: Pressure, of inspect: ContainerInspect, timeNanos: Int64) -> EventRecord {
        let kind = pressure.resource.eventKind
        return EventRecord(
            timeNanos: timeNanos, kind: kind, containerID: inspect.id, containerName: inspect.name, image: inspect.config.image,
            composeProject: inspect.config.labels[ComposeLabel.project], composeService: inspect.config.labels[ComposeLabel.service],
            deduplicationKey: "\(kind.rawValue)|\(inspect.id)|\(pressure.startedNanos)|\(pressure.phase.rawValue)|\(pressure.sinceNanos)",
            payload: json(pressure))
    }

    /// The payload of a `memory_pressure`, `cpu_pressure`, `pids_pressure` or `disk_pressure` row.
    ///
    /// `value`, `limit` and `ratio` are in the resource's own units: memory the working set and the limit in bytes
    /// (`memory.usage_in_bytes` minus `total_inactive_file` on cgroup v1, `memory.current` minus `inactive_file` on
    /// v2, against `HostConfig.Memory`); CPU the share of CFS periods throttled (`cpu.stat` `nr_throttled` rises
    /// over the periods elapsed, 0–1) against the quota in CPUs (`--cpus`); pids the tasks (`pids.current`) against
    /// `pids.max` (`--pids-limit`); disk the bytes used of the fullest filesystem the container writes against its
    /// size (`statvfs(3)`: used = (`f_blocks` − `f_bfree`) × `f_frsize`, size = used + `f_bavail` × `f_frsize`, as
    /// `df` counts them, so the ratio is `df`'s Use%), with ``mount`` naming it.
    public struct Pressure: Codable, Sendable, Equatable {
        /// The resource: `memory`, `cpu`, `pids`, `disk`.
        public enum Resource: String, Codable, Sendable, CaseIterable {
            case memory, cpu, pids, disk

            /// The `events.kind` of its rows.
            public var eventKind: EventKind {
                switch self {
                case .memory: .memoryPressure
                case .cpu: .cpuPressure
                case .pids: .pidsPressure
                case .disk: .diskPressure
                }
            }

            /// The incident trigger of its `start` rows.
            public var trigger: IncidentTrigger {
                switch self {
                case .memory: .memoryPressure
                case .cpu: .cpuPressure
                case .pids: .pidsPressure
                case .disk: .diskPressure
                }
            }
        }

        /// `start`: the pressure began (it held for `samples` consecutive samples); `end`: it has ended (below the end
        /// threshold for `samples` consecutive samples).
        public enum Phase: String, Codable, Sendable {
            case start, end
        }

        public var resource: Resource
        public var phase: Phase
        /// At the transition: the working set (bytes), the throttled share of periods (0–1), the tasks, or the bytes
        /// used of the filesystem.
        public var value: Double
        /// The limit: bytes, CPUs, tasks, or the filesystem's size in bytes.
        public var limit: Double
        /// How close to the limit: `value / limit` for memory and pids, the throttled share of periods for CPU.
        public var ratio: Double
        /// The ratio that starts (for `start`) or ends (for `end`) an episode.
        public var threshold: Double
        /// The highest ratio of the episode so far.
        public var peakRatio: Double
        /// Consecutive samples that decided the transition, and the time they span (nanoseconds).
        public var samples: Int
        public var windowNanos: Int64
        /// When the episode began: the first sample over the threshold, Unix nanoseconds.
        public var sinceNanos: Int64
        /// For CPU: the throttled periods and the periods elapsed over the deciding samples, and the CPU used as a
        /// percent of the limit at the transition.
        public var throttledPeriods: Int64?
        public var periods: Int64?
        public var cpuPercentOfLimit: Double?
        /// Where the value came from: the kernel file(s), `stats API`, or `statvfs`.
        public var source: String
        /// For disk: the filesystem, as the container sees it (``Mount``).
        public var mount: Mount?
        /// The resources still under pressure after this row (empty: none is).
        public var active: [Resource]
        /// The container's `State.StartedAt` for the run, Unix nanoseconds.
        public var startedNanos: Int64

        public init(
            resource: Resource, phase: Phase, value: Double, limit: Double, ratio: Double, threshold: Double, peakRatio: Double, samples: Int,
            windowNanos: Int64, sinceNanos: Int64, throttledPeriods: Int64? = nil, periods: Int64? = nil, cpuPercentOfLimit: Double? = nil,
            source: String, mount: Mount? = nil, active: [Resource], startedNanos: Int64
        ) {
            self.resource = resource
            self.phase = phase
            self.value = value
            self.limit = limit
            self.ratio = ratio
            self.threshold = threshold
            self.peakRatio = peakRatio
            self.samples = samples
            self.windowNanos = windowNanos
            self.sinceNanos = sinceNanos
            self.throttledPeriods = throttledPeriods
            self.periods = periods
            self.cpuPercentOfLimit = cpuPercentOfLimit
            self.source = source
            self.mount = mount
            self.active = active
            self.startedNanos = startedNanos
        }

        enum CodingKeys: String, CodingKey {
            case resource, phase, value, limit, ratio, threshold, samples, source, mount, active, periods
            case peakRatio = "peak_ratio"
            case windowNanos = "window_ns"
            case sinceNanos = "since_ns"
            case throttledPeriods = "throttled_periods"
            case cpuPercentOfLimit = "cpu_pct_of_limit"
            case startedNanos = "started_ns"
        }

        /// A filesystem a container writes: its root filesystem (the image's layers under the container's writable
        /// layer) or a read-write mount (`Mounts` of `GET /containers/{id}/json`).
        public struct Mount: Codable, Sendable, Equatable {
            /// The path inside the container: `/` for the root filesystem.
            public var destination: String
            /// `Mounts[].Type`: `volume`, `bind`, `tmpfs`; `rootfs` for the root filesystem.
            public var type: String
            /// The volume's name (`Mounts[].Name`), for a volume.
            public var name: String?
            /// The path on the engine's host (`Mounts[].Source`), when it has one.
            public var hostPath: String?
            /// Bytes available to an unprivileged process (`f_bavail` × `f_frsize`).
            public var availableBytes: Int64
            /// Inodes used and in all (`f_files` − `f_ffree`, `f_files`); nil when the filesystem has no inode count.
            public var inodesUsed: Int64?
            public var inodes: Int64?

            public init(destination: String, type: String, name: String? = nil, hostPath: String? = nil, availableBytes: Int64, inodesUsed: Int64? = nil, inodes: Int64? = nil) {
                self.destination = destination
                self.type = type
                self.name = name
                self.hostPath = hostPath
                self.availableBytes = availableBytes
                self.inodesUsed = inodesUsed
                self.inodes = inodes
            }

            enum CodingKeys: String, CodingKey {
                case destination, type, name, inodes
                case hostPath = "host_path"
                case availableBytes = "available_bytes"
                case inodesUsed = "inodes_used"
            }
        }

        /// Decodes a pressure row's payload; nil when it is not one.
        public static func decode(_ record: EventRecord) -> Pressure? {
            guard record.kind.pressureResource != nil else { return nil }
            return try? JSONDecoder().decode(Pressure.self, from: Data(record.payload.utf8))
        }
    }
}
