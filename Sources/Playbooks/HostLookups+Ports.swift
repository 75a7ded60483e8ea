import BlackboxCore
import BlackboxStore
import Foundation

/// Port lookups for many ports at once: `blackbox check` asks about every published port of a project (a range
/// `1-65535` is 65535 of them), where asking ``EvidenceLookups`` once per port reads every running container's
/// snapshot and `/proc/net/tcp` again each time.
public protocol BulkPortLookups: Sendable {
    /// The running container that publishes each host port (the first by container id, as
    /// ``EvidenceLookups/portHolder(hostPort:excluding:)`` answers), by the port's text.
    func portHolders() -> [String: String]
    /// The TCP ports something on this host listens on (`/proc/net/tcp`, `/proc/net/tcp6`); only for these can
    /// ``EvidenceLookups/portProcess(_:)`` find a process.
    func listeningPorts() -> Set<Int>
}

extension HostLookups: BulkPortLookups {
    public func portHolders() -> [String: String] {
        guard let snapshots = try? store?.latestSnapshots(status: "running") else { return [:] }
        var holders: [String: String] = [:]
        for (id, payload) in snapshots.sorted(by: { $0.key < $1.key }) {
            guard let inspect = JSONValue.parse(payload), case .object(let bindings)? = inspect[path: "HostConfig.PortBindings"] else { continue }
            let name = inspect[path: "Name"]?.stringValue.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 } ?? String(id.prefix(12))
            for case .array(let hosts) in bindings.values {
                for host in hosts {
                    if let port = host[path: "HostPort"]?.stringValue, holders[port] == nil { holders[port] = name }
                }
            }
        }
        return holders
    }

    public func listeningPorts() -> Set<Int> {
        var ports: Set<Int> = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                // local_address (ADDRESS:PORT in hex), st (0A = LISTEN)
                guard fields.count > 3, fields[3] == "0A", let colon = fields[1].lastIndex(of: ":"),
                    let port = Int(fields[1][fields[1].index(after: colon)...], radix: 16)
                else { continue }
                ports.insert(port)
            }
        }
        return ports
    }
}
