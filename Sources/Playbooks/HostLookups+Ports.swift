import BlackboxCore
import BlackboxStore
import Compose
import Foundation

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
