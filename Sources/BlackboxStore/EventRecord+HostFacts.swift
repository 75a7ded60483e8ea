import Foundation

extension EventRecord {
    /// The `host_facts` payload: what the recorder read on the engine's host when it recorded a failure.
    public struct HostFacts: Codable, Sendable, Equatable {
        /// Bind-mount sources by host path: owner, group and mode as `uid 0, gid 0, mode 0755`; absent when the path
        /// did not exist or could not be read.
        public var paths: [String: String]
        /// Host ports (decimal, as in `HostConfig.PortBindings`) and who held them then.
        public var ports: [String: PortHolder]
        /// The failed program by its path in the container (as the kernel's error or `Config.Entrypoint` names it),
        /// read from the stopped container; nil in recordings made before blackbox read programs.
        public var programs: [String: ProgramFacts]?

        public init(paths: [String: String] = [:], ports: [String: PortHolder] = [:], programs: [String: ProgramFacts]? = nil) {
            self.paths = paths
            self.ports = ports
            self.programs = programs
        }

        public var isEmpty: Bool { paths.isEmpty && ports.isEmpty && (programs ?? [:]).isEmpty }
    }

    /// Who held a host port when a failure was recorded.
    public struct PortHolder: Codable, Sendable, Equatable {
        /// Another running container publishing the port, by name.
        public var container: String?
        /// The host process listening on it, as `pid 1234 (nginx)` (from `/proc/net/tcp{,6}` and `/proc/*/fd`).
        public var process: String?

        public init(container: String? = nil, process: String? = nil) {
            self.container = container
            self.process = process
        }
    }

    /// Host facts read for the failure that `trigger` (the deduplication key of the event that revealed it) recorded.
    public static func hostFacts(
        _ facts: HostFacts, containerID: String, containerName: String?, timeNanos: Int64, trigger: String?
    ) -> EventRecord {
        EventRecord(
            timeNanos: timeNanos, kind: .hostFacts, containerID: containerID, containerName: containerName,
            deduplicationKey: trigger.map { "host_facts|\($0)" }, payload: json(facts))
    }
}
