/// The consecutive host ports one `ports:` entry publishes, so duplicate-port checks compare ranges instead of
/// ports.
struct PublishedPorts: Sendable, Equatable {
    /// The host address; nil for every address.
    var hostIP: String?
    /// Host ports, 1…65535.
    var ports: ClosedRange<Int>
    /// `tcp` or `udp`.
    var proto: String

    /// The host ports both publish: nil when the protocols differ, the addresses cannot collide, or the ranges are
    /// disjoint.
    func overlap(_ other: PublishedPorts) -> ClosedRange<Int>? {
        guard proto == other.proto, Self.collide(hostIP, other.hostIP), ports.overlaps(other.ports) else { return nil }
        return max(ports.lowerBound, other.ports.lowerBound)...min(ports.upperBound, other.ports.upperBound)
    }

    /// `8080/tcp` for one port, `1-65535 (tcp)` for more.
    static func describe(_ ports: ClosedRange<Int>, _ proto: String) -> String {
        ports.count == 1 ? "\(ports.lowerBound)/\(proto)" : "\(ports.lowerBound)-\(ports.upperBound) (\(proto))"
    }

    /// The entries of `ports` that publish host ports, each as its range with the entry. Linear.
    static func runs(_ ports: [ComposePort]) -> [(run: PublishedPorts, first: ComposePort)] {
        ports.compactMap { port in
            port.hostPorts.map { (PublishedPorts(hostIP: port.hostIP, ports: $0, proto: port.proto), port) }
        }
    }

    /// Two host addresses collide when they are equal or either is every address.
    static func collide(_ a: String?, _ b: String?) -> Bool {
        let any: Set<String?> = [nil, "", "0.0.0.0", "::"]
        return any.contains(a) || any.contains(b) || a == b
    }

    /// The lowest port above `port` that none of `published` (merged: sorted, disjoint, not adjacent) holds.
    /// Logarithmic in the ranges.
    static func nextFree(above port: Int, in published: [ClosedRange<Int>]) -> Int {
        let candidate = port + 1
        var low = 0
        var high = published.count
        while low < high {
            let middle = (low + high) / 2
            if published[middle].upperBound < candidate { low = middle + 1 } else { high = middle }
        }
        return low < published.count && published[low].contains(candidate) ? published[low].upperBound + 1 : candidate
    }

    /// `ranges` sorted and merged where they overlap or touch.
    static func merged(_ ranges: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
        var merged: [ClosedRange<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }
}
