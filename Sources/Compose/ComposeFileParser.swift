import Foundation
import Playbooks
import Yams

/// Reads one compose file into services, from Yams nodes so that every value keeps its line. Interpolates every
/// scalar it reads; collects problems (invalid YAML, a value of the wrong type) instead of stopping at the first.
struct ComposeFileParser {
    /// The path as shown in findings.
    let file: String
    /// Relative bind-mount sources and `env_file` paths are resolved against it.
    let projectDirectory: String
    var interpolator: Interpolator
    private(set) var problems: [ComposeProblem] = []

    init(file: String, projectDirectory: String, interpolator: Interpolator) {
        self.file = file
        self.projectDirectory = projectDirectory
        self.interpolator = interpolator
    }

    /// The file's top-level `name` and its services, in order.
    mutating func parse(_ yaml: String) -> (name: Located<String>?, services: [ComposeService]) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            problem(nil, "not valid YAML: \(error.summary)", line: error.line)
            return (nil, [])
        } catch {
            problem(nil, "not valid YAML: \(error)")
            return (nil, [])
        }
        guard let root, let top = root.mapping else {
            problem(root, "a compose file is a mapping with `services:`")
            return (nil, [])
        }
        let keys = pairs(top)
        let name = keys["name"].flatMap { node in string(node, "name").map { Located($0, at: location(node)) } }
        guard let servicesNode = keys["services"] else { return (name, []) }
        guard let services = servicesNode.mapping else {
            problem(servicesNode, "`services` must be a mapping of service names to their definitions")
            return (name, [])
        }
        var result: [ComposeService] = []
        for (key, value) in services {
            guard let serviceName = key.string else { continue }
            result.append(service(serviceName, key: key, value))
        }
        return (name, result)
    }

    // MARK: - Services

    private mutating func service(_ name: String, key: Node, _ node: Node) -> ComposeService {
        var service = ComposeService(name: name, location: location(key))
        guard let mapping = node.mapping else {
            if node.null == nil { problem(node, "service '\(name)' must be a mapping") }
            return service
        }
        let keys = pairs(mapping)
        var fromFiles: [ComposeVariable] = []
        for (key, value) in keys.ordered {
            switch key {
            case "image": service.image = located(value, key)
            case "command": service.command = command(value, key)
            case "entrypoint": service.entrypoint = command(value, key)
            case "environment": service.environment = environment(value)
            case "env_file": fromFiles = envFiles(value)
            case "mem_limit":
                if service.memoryLimit == nil, let bytes = bytes(value, key) {
                    service.memoryLimit = Located(.init(bytes: bytes, key: "mem_limit"), at: location(value))
                }
            case "cpus":
                if service.cpus == nil, let cpus = number(value, key) { service.cpus = Located(cpus, at: location(value)) }
            case "deploy": deploy(value, into: &service)
            case "ports": service.ports = sequence(value, key).flatMap { port($0) }
            case "volumes": service.volumes = sequence(value, key).compactMap { volume($0) }
            case "depends_on": service.dependsOn = dependencies(value)
            case "healthcheck": service.healthcheck = healthcheck(value)
            case "restart": service.restart = located(value, key)
            case "network_mode": service.networkMode = located(value, key)
            case "user": service.user = located(value, key)
            case "stop_grace_period":
                service.stopGracePeriodNanos = located(value, key).flatMap { text in
                    guard let nanos = ComposeUnits.nanos(text.value) else {
                        problem(value, "stop_grace_period '\(text.value)' is not a duration such as 10s or 1m30s")
                        return nil
                    }
                    return Located(nanos, at: text.location)
                }
            case "init": service.initProcess = bool(value, key).map { Located($0, at: location(value)) }
            case "read_only": service.readOnly = bool(value, key).map { Located($0, at: location(value)) }
            case "tmpfs":
                let items = value.sequence.map(Array.init) ?? [value]
                service.tmpfs += items.compactMap { located($0, key) }.map { Located(String($0.value.split(separator: ":").first ?? ""), at: $0.location) }
            case "shm_size": service.shmSizeBytes = bytes(value, key).map { Located($0, at: location(value)) }
            default: break
            }
        }
        // `environment` wins over `env_file`.
        for variable in fromFiles where service.variable(variable.name) == nil { service.environment.append(variable) }
        service.tmpfs += service.volumes.filter { $0.kind == .tmpfs }.map { Located($0.target, at: $0.location) }
        return service
    }

    private mutating func deploy(_ node: Node, into service: inout ComposeService) {
        guard let limits = node.mapping.map(pairs)?["resources"]?.mapping.map(pairs)?["limits"]?.mapping.map(pairs) else { return }
        if let memory = limits["memory"], let bytes = bytes(memory, "deploy.resources.limits.memory") {
            service.memoryLimit = Located(.init(bytes: bytes, key: "deploy.resources.limits.memory"), at: location(memory))
        }
        if let cpus = limits["cpus"], let value = number(cpus, "deploy.resources.limits.cpus") {
            service.cpus = Located(value, at: location(cpus))
        }
    }

    private mutating func command(_ node: Node, _ key: String) -> Located<ComposeCommand>? {
        if let items = node.sequence {
            let words = items.compactMap { string($0, key) }
            return Located(ComposeCommand(words: words, writtenAsString: false), at: location(node))
        }
        guard let text = string(node, key) else { return nil }
        return Located(ComposeCommand(words: ComposeUnits.words(text), writtenAsString: true), at: location(node))
    }

    private mutating func environment(_ node: Node) -> [ComposeVariable] {
        var variables: [ComposeVariable] = []
        if let mapping = node.mapping {
            for (key, value) in mapping {
                guard let name = key.string else { continue }
                let raw = value.null != nil ? nil : value.scalar?.string
                if raw == nil && value.null == nil { problem(value, "environment value of \(name) must be a string, number or boolean") }
                variables.append(variable(name, raw: raw, at: location(key)))
            }
        } else if let items = node.sequence {
            for item in items {
                guard let text = item.scalar?.string else {
                    problem(item, "environment entries must be NAME=value strings")
                    continue
                }
                let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                variables.append(variable(String(parts[0]), raw: parts.count > 1 ? String(parts[1]) : nil, at: location(item)))
            }
        } else {
            problem(node, "environment must be a mapping or a list of NAME=value")
        }
        return variables
    }

    private mutating func variable(_ name: String, raw: String?, at location: ComposeLocation) -> ComposeVariable {
        let value = raw.map { interpolator.interpolate($0, at: location) }
        let literal = raw.map { !$0.isEmpty && !Interpolator.hasReference($0) } ?? false
        return ComposeVariable(name: name, value: value, location: location, literalInComposeFile: literal)
    }

    private mutating func envFiles(_ node: Node) -> [ComposeVariable] {
        var variables: [ComposeVariable] = []
        for item in node.sequence.map(Array.init) ?? [node] {
            var required = true
            var pathNode = item
            if let mapping = item.mapping {
                let keys = pairs(mapping)
                guard let path = keys["path"] else {
                    problem(item, "an env_file entry needs a path")
                    continue
                }
                pathNode = path
                required = keys["required"].flatMap { bool($0, "required") } ?? true
            }
            guard let written = string(pathNode, "env_file") else { continue }
            let path = ComposeFileParser.resolve(written, against: projectDirectory)
            do {
                guard let envFile = try DotEnvFile.read(path, shownAs: written) else {
                    if required { problem(pathNode, "env_file \(written) does not exist (\(path))") }
                    continue
                }
                for entry in envFile.entries {
                    let at = ComposeLocation(file: written, line: entry.line)
                    let value = entry.value.map { interpolator.interpolate($0, at: at) }
                    variables.removeAll { $0.name == entry.name }
                    variables.append(ComposeVariable(name: entry.name, value: value, location: at, literalInComposeFile: false))
                }
            } catch let error as ComposeProblem {
                problems.append(ComposeProblem(error.message, at: location(pathNode)))
            } catch {
                problem(pathNode, "cannot read env_file \(written): \(error)")
            }
        }
        return variables
    }

    // MARK: - Ports

    private mutating func port(_ node: Node) -> [ComposePort] {
        let at = location(node)
        if let mapping = node.mapping {
            let keys = pairs(mapping)
            guard let target = keys["target"].flatMap({ string($0, "target") }) else {
                problem(node, "a port in the long syntax needs a target")
                return []
            }
            let proto = keys["protocol"].flatMap { string($0, "protocol") } ?? "tcp"
            let hostIP = keys["host_ip"].flatMap { string($0, "host_ip") }
            guard let published = keys["published"].flatMap({ string($0, "published") }), !published.isEmpty else {
                return [ComposePort(hostIP: hostIP, hostPort: nil, containerPort: target, proto: proto, location: at)]
            }
            guard let hosts = Self.portRange(published) else {
                problem(node, "published port '\(published)' is not a port or a range such as 8000-8010")
                return []
            }
            return hosts.map { ComposePort(hostIP: hostIP, hostPort: $0, containerPort: target, proto: proto, location: at) }
        }
        guard let text = string(node, "ports") else { return [] }
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
            return []
        }
        guard parts.count == 2, !parts[0].isEmpty else {
            return containerPorts.map { ComposePort(hostIP: hostIP, hostPort: nil, containerPort: String($0), proto: proto, location: at) }
        }
        guard let hostPorts = Self.portRange(parts[0]) else {
            problem(node, "host port '\(parts[0])' in '\(text)' is not a port or a range")
            return []
        }
        return hostPorts.enumerated().map { index, hostPort in
            let container = containerPorts.count == hostPorts.count ? containerPorts[index] : containerPorts[0]
            return ComposePort(hostIP: hostIP, hostPort: hostPort, containerPort: String(container), proto: proto, location: at)
        }
    }

    /// `8080` or `8000-8010`; nil when malformed or out of 1…65535.
    static func portRange(_ text: String) -> [Int]? {
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard let low = bounds.first ?? nil, let high = bounds.last ?? nil, bounds.count <= 2, 1 <= low, low <= high, high <= 65535 else {
            return nil
        }
        return Array(low...high)
    }

    // MARK: - Volumes

    private mutating func volume(_ node: Node) -> ComposeVolume? {
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

    // MARK: - depends_on, healthcheck

    private mutating func dependencies(_ node: Node) -> [ComposeDependency] {
        if let items = node.sequence {
            return items.compactMap { item in
                string(item, "depends_on").map { ComposeDependency(service: $0, condition: "service_started", location: location(item)) }
            }
        }
        guard let mapping = node.mapping else {
            problem(node, "depends_on must be a list of services or a mapping of services to their condition")
            return []
        }
        return mapping.compactMap { key, value in
            guard let name = key.string else { return nil }
            let condition = value.mapping.map(pairs)?["condition"].flatMap { string($0, "condition") } ?? "service_started"
            let known = ["service_started", "service_healthy", "service_completed_successfully"]
            if !known.contains(condition) { problem(value, "depends_on condition '\(condition)' is not one of \(known.joined(separator: ", "))") }
            return ComposeDependency(service: name, condition: condition, location: location(key))
        }
    }

    private mutating func healthcheck(_ node: Node) -> Located<ComposeHealthcheck>? {
        guard let mapping = node.mapping else {
            problem(node, "healthcheck must be a mapping (test, interval, timeout, retries, start_period, disable)")
            return nil
        }
        let keys = pairs(mapping)
        var test: [String] = []
        if let testNode = keys["test"] {
            test = testNode.sequence.map { $0.compactMap { string($0, "test") } } ?? string(testNode, "test").map { ["CMD-SHELL", $0] } ?? []
        }
        let disabled = keys["disable"].flatMap { bool($0, "disable") } == true || test.first == "NONE"
        return Located(ComposeHealthcheck(test: test, disabled: disabled), at: location(node))
    }

    // MARK: - Scalars

    private mutating func string(_ node: Node, _ key: String) -> String? {
        guard let scalar = node.scalar else {
            problem(node, "\(key) must be a single value")
            return nil
        }
        return interpolator.interpolate(scalar.string, at: location(node))
    }

    private mutating func located(_ node: Node, _ key: String) -> Located<String>? {
        string(node, key).map { Located($0, at: location(node)) }
    }

    private mutating func bytes(_ node: Node, _ key: String) -> Int64? {
        guard let text = string(node, key) else { return nil }
        guard let bytes = ComposeUnits.bytes(text) else {
            problem(node, "\(key) '\(text)' is not a size such as 512m or 2g")
            return nil
        }
        return bytes
    }

    private mutating func number(_ node: Node, _ key: String) -> Double? {
        guard let text = string(node, key) else { return nil }
        guard let value = Double(text), value >= 0 else {
            problem(node, "\(key) '\(text)' is not a number such as 0.5 or 2")
            return nil
        }
        return value
    }

    private mutating func bool(_ node: Node, _ key: String) -> Bool? {
        guard let text = string(node, key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            problem(node, "\(key) '\(text)' is not true or false")
            return nil
        }
    }

    private mutating func sequence(_ node: Node, _ key: String) -> [Node] {
        guard let items = node.sequence else {
            problem(node, "\(key) must be a list")
            return []
        }
        return Array(items)
    }

    /// A mapping's entries by key, with `<<` merge keys (`<<: *defaults`) expanded below the mapping's own entries.
    private func pairs(_ mapping: Node.Mapping) -> OrderedPairs {
        var result = OrderedPairs()
        for (key, value) in mapping where key.string == "<<" {
            for merged in value.sequence.map(Array.init) ?? [value] {
                guard let mergedMapping = merged.mapping else { continue }
                for (name, entry) in pairs(mergedMapping).ordered { result.set(name, entry) }
            }
        }
        for (key, value) in mapping {
            guard let name = key.string, name != "<<" else { continue }
            result.set(name, value)
        }
        return result
    }

    private func location(_ node: Node?) -> ComposeLocation {
        ComposeLocation(file: file, line: node?.mark?.line ?? 0)
    }

    private mutating func problem(_ node: Node?, _ message: String, line: Int? = nil) {
        problems.append(ComposeProblem(message, at: ComposeLocation(file: file, line: line ?? node?.mark?.line ?? 0)))
    }
}

/// Mapping entries by key, in the order written; a later `set` of the same key replaces the value in place.
struct OrderedPairs {
    private(set) var ordered: [(String, Node)] = []

    mutating func set(_ key: String, _ value: Node) {
        if let index = ordered.firstIndex(where: { $0.0 == key }) { ordered[index].1 = value } else { ordered.append((key, value)) }
    }

    subscript(key: String) -> Node? {
        ordered.first { $0.0 == key }?.1
    }
}
