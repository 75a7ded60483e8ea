import Foundation
import Yams

/// `ports` and `volumes`, short and long syntax.
extension ComposeFileParser {
    // MARK: - Ports

    mutating func port(_ node: Node) -> ComposePort? {
        let at = location(node)
        if let mapping = node.mapping {
            let keys = pairs(mapping)
            guard let target = keys["target"].flatMap({ string($0, "target") }) else {
                problem(node, "a port in the long syntax needs a target")
                return nil
            }
            guard let containerPorts = Self.portRange(target) else {
                problem(node, "target '\(target)' is not a port (1-65535)")
                return nil
            }
            let proto = keys["protocol"].flatMap { string($0, "protocol") } ?? "tcp"
            let hostIP = keys["host_ip"].flatMap { string($0, "host_ip") }
            guard let published = keys["published"].flatMap({ string($0, "published") }), !published.isEmpty else {
                return ComposePort(hostIP: hostIP, hostPorts: nil, containerPorts: containerPorts, proto: proto, location: at)
            }
            guard let hosts = Self.portRange(published) else {
                problem(node, "published port '\(published)' is not a port or a range such as 8000-8010")
                return nil
            }
            return ComposePort(hostIP: hostIP, hostPorts: hosts, containerPorts: containerPorts, proto: proto, location: at)
        }
        guard let text = string(node, "ports") else { return nil }
        var spec = Substring(text)
        var proto = "tcp"
        if let slash = spec.lastIndex(of: "/") {
            proto = String(spec[spec.index(after: slash)...])
            spec = spec[..<slash]
        }
        var hostIP: String?
        if spec.hasPrefix("["), let close = spec.firstIndex(of: "]") {
            hostIP = String(spec[spec.index(after: spec.startIndex)..<close])
            spec = spec[spec.index(after: close)...].drop { $0 == ":" }
        }
        var parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 3 {
            hostIP = parts.removeFirst()
        }
        guard (1...2).contains(parts.count), let containerPorts = Self.portRange(parts.last ?? "") else {
            problem(node, "port '\(text)' is not [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]")
            return nil
        }
        guard parts.count == 2, !parts[0].isEmpty else {
            return ComposePort(hostIP: hostIP, hostPorts: nil, containerPorts: containerPorts, proto: proto, location: at)
        }
        guard let hostPorts = Self.portRange(parts[0]) else {
            problem(node, "host port '\(parts[0])' in '\(text)' is not a port or a range")
            return nil
        }
        return ComposePort(hostIP: hostIP, hostPorts: hostPorts, containerPorts: containerPorts, proto: proto, location: at)
    }

    /// `8080` or `8000-8010`; nil when malformed or out of 1…65535.
    static func portRange(_ text: String) -> ClosedRange<Int>? {
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard let low = bounds.first ?? nil, let high = bounds.last ?? nil, bounds.count <= 2, 1 <= low, low <= high, high <= 65535 else {
            return nil
        }
        return low...high
    }

    // MARK: - Volumes

    mutating func volume(_ node: Node) -> ComposeVolume? {
        let at = location(node)
        if let mapping = node.mapping {
            let keys = pairs(mapping)
            guard let target = keys["target"].flatMap({ string($0, "target") }) else {
                problem(node, "a volume in the long syntax needs a target")
                return nil
            }
            let typeName = keys["type"].flatMap { string($0, "type") } ?? "volume"
            guard let kind = ComposeVolume.Kind(rawValue: typeName) else {
                problem(node, "volume type '\(typeName)' is not bind, volume or tmpfs")
                return nil
            }
            let written = keys["source"].flatMap { string($0, "source") }
            let readOnly = keys["read_only"].flatMap { bool($0, "read_only") } ?? false
            let source = kind == .bind ? written.map { Self.resolve($0, against: projectDirectory) } : written
            return ComposeVolume(kind: kind, source: source, writtenSource: written, target: target, readOnly: readOnly, location: at)
        }
        guard let text = string(node, "volumes") else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count), !parts.contains(where: \.isEmpty) else {
            problem(node, "volume '\(text)' is not [SOURCE:]TARGET[:MODE]")
            return nil
        }
        guard parts.count >= 2 else {
            return ComposeVolume(kind: .volume, source: nil, writtenSource: nil, target: parts[0], readOnly: false, location: at)
        }
        let written = parts[0]
        let readOnly = parts.count == 3 && parts[2].split(separator: ",").contains("ro")
        let isBind = written.hasPrefix("/") || written.hasPrefix(".") || written.hasPrefix("~")
        return ComposeVolume(
            kind: isBind ? .bind : .volume, source: isBind ? Self.resolve(written, against: projectDirectory) : written, writtenSource: written,
            target: parts[1], readOnly: readOnly, location: at)
    }

    /// A host path made absolute: `~` is the home directory; relative paths are relative to `directory`.
    static func resolve(_ path: String, against directory: String) -> String {
        var path = path
        if path == "~" || path.hasPrefix("~/") { path = NSHomeDirectory() + path.dropFirst() }
        if !path.hasPrefix("/") { path = directory + "/" + path }
        return (path as NSString).standardizingPath
    }
}
