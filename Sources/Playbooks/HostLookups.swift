import BlackboxCore
import BlackboxStore
import Foundation

/// ``EvidenceLookups`` from the store (port holders) and from this host's `/proc` and file system.
/// Host facts are right only when blackbox runs on the engine's host; elsewhere they are simply not found.
public struct HostLookups: EvidenceLookups {
    let store: EventStore?

    /// - Parameter store: where running containers' port bindings are read; nil finds no container holder.
    public init(store: EventStore?) {
        self.store = store
    }

    public func portHolder(hostPort: String, excluding containerID: String) -> String? {
        guard let snapshots = try? store?.latestSnapshots(status: "running") else { return nil }
        return Self.portHolder(hostPort: hostPort, excluding: containerID, snapshots: snapshots)
    }

    /// The container among `snapshots` (inspect payloads by container id) that publishes `hostPort`, by name.
    static func portHolder(hostPort: String, excluding containerID: String, snapshots: [String: String]) -> String? {
        for (id, payload) in snapshots.sorted(by: { $0.key < $1.key }) where id != containerID {
            guard let inspect = JSONValue.parse(payload), case .object(let bindings)? = inspect[path: "HostConfig.PortBindings"] else { continue }
            for case .array(let hosts) in bindings.values {
                if hosts.contains(where: { $0[path: "HostPort"]?.stringValue == hostPort }) {
                    return Self.name(of: inspect, id: id)
                }
            }
        }
        return nil
    }

    public func runningSnapshots() -> [String: String] {
        (try? store?.latestSnapshots(status: "running")) ?? [:]
    }

    public func snapshot(containerID: String) -> String? {
        (try? store?.snapshot(containerID: containerID, atNanos: .max)) ?? nil
    }

    public func volumeUser(volume: String, excluding containerID: String) -> String? {
        guard let snapshots = try? store?.latestSnapshots(status: "running") else { return nil }
        return Self.volumeUser(volume: volume, excluding: containerID, snapshots: snapshots)
    }

    /// The container among `snapshots` (inspect payloads by container id) that mounts the named volume, by name.
    static func volumeUser(volume: String, excluding containerID: String, snapshots: [String: String]) -> String? {
        for (id, payload) in snapshots.sorted(by: { $0.key < $1.key }) where id != containerID {
            guard let inspect = JSONValue.parse(payload), case .array(let mounts)? = inspect[path: "Mounts"],
                mounts.contains(where: { $0[path: "Type"]?.stringValue == "volume" && $0[path: "Name"]?.stringValue == volume })
            else { continue }
            return Self.name(of: inspect, id: id)
        }
        return nil
    }

    /// A container's name without the engine's leading `/`, else its short id.
    static func name(of inspect: JSONValue, id: String) -> String {
        inspect[path: "Name"]?.stringValue.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 } ?? String(id.prefix(12))
    }

    public func pathOwner(_ path: String) -> String? {
        HostPath.read(path)?.description
    }

    /// Never found: a container's program is read through the engine when the failure is recorded, not from this host.
    public func program(_ path: String) -> EventRecord.ProgramFacts? {
        nil
    }

    /// The process listening on the port, TCP (state LISTEN) or UDP (bound), from `/proc/net/{tcp,tcp6,udp,udp6}` and
    /// `/proc/*/fd`; a `docker-proxy` is named with the container it forwards to, when the store knows it.
    public func portProcess(_ port: String) -> String? {
        guard let number = Int(port), (1...65535).contains(number) else { return nil }
        let hexPort = String(format: ":%04X", number)
        var inodes: Set<String> = []
        for (table, listening) in [("/proc/net/tcp", "0A"), ("/proc/net/tcp6", "0A"), ("/proc/net/udp", "07"), ("/proc/net/udp6", "07")] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                // local_address, st (TCP 0A = LISTEN; UDP 07 = bound), inode
                if fields.count > 9, fields[1].hasSuffix(hexPort), fields[3] == listening { inodes.insert(String(fields[9])) }
            }
        }
        guard !inodes.isEmpty, let pids = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for pid in pids where Int(pid) != nil {
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { continue }
            for fd in fds {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                    target.hasPrefix("socket:["), inodes.contains(String(target.dropFirst(8).dropLast()))
                else { continue }
                let name = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
                if name == "docker-proxy", let container = portHolder(hostPort: port, excluding: "") {
                    return "pid \(pid) (docker-proxy of container \(container))"
                }
                return "pid \(pid) (\(name))"
            }
        }
        return nil
    }
}
