import BlackboxCore
import Foundation
import Yams

/// A service's keys, `depends_on` and `healthcheck`.
extension ComposeFileParser {
    mutating func service(_ name: String, key: Node, _ node: Node) -> ComposeService {
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
            case "ports": service.ports = sequence(value, key).compactMap { port($0) }
            case "volumes": service.volumes = sequence(value, key).compactMap { volume($0) }
            case "depends_on":
                service.dependsOn = dependencies(value)
                service.dependsOnKey = mapping.first { $0.key.string == "depends_on" }.map { location($0.key) }
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
            case "extends": extendsReferences[name] = extends(value, of: name, key: mapping.first { $0.key.string == "extends" }?.key)
            default: break
            }
        }
        // `environment` wins over `env_file`.
        for variable in fromFiles where service.variable(variable.name) == nil { service.environment.append(variable) }
        service.tmpfs += service.volumes.filter { $0.kind == .tmpfs }.map { Located($0.target, at: $0.location) }
        return service
    }

    mutating func deploy(_ node: Node, into service: inout ComposeService) {
        guard let limits = node.mapping.map(pairs)?["resources"]?.mapping.map(pairs)?["limits"]?.mapping.map(pairs) else { return }
        if let memory = limits["memory"], let bytes = bytes(memory, "deploy.resources.limits.memory") {
            service.memoryLimit = Located(.init(bytes: bytes, key: "deploy.resources.limits.memory"), at: location(memory))
        }
        if let cpus = limits["cpus"], let value = number(cpus, "deploy.resources.limits.cpus") {
            service.cpus = Located(value, at: location(cpus))
        }
    }

    mutating func command(_ node: Node, _ key: String) -> Located<ComposeCommand>? {
        if let items = node.sequence {
            let words = items.compactMap { string($0, key) }
            return Located(ComposeCommand(words: words, writtenAsString: false), at: location(node))
        }
        guard let text = string(node, key) else { return nil }
        return Located(ComposeCommand(words: ComposeUnits.words(text), writtenAsString: true), at: location(node))
    }

    mutating func environment(_ node: Node) -> [ComposeVariable] {
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

    mutating func variable(_ name: String, raw: String?, at location: ComposeLocation) -> ComposeVariable {
        let value = raw.map { interpolator.interpolate($0, at: location) }
        let literal = raw.map { !$0.isEmpty && !Interpolator.hasReference($0) } ?? false
        return ComposeVariable(name: name, value: value, location: location, literalInComposeFile: literal)
    }

    /// Each name once, at its last definition, in the order of the last definitions (a later line replaces an earlier
    /// one, as compose reads env files); linear in the number of lines.
    static func lastOfEachName(_ variables: [ComposeVariable]) -> [ComposeVariable] {
        var seen: Set<String> = []
        return variables.reversed().filter { seen.insert($0.name).inserted }.reversed()
    }

    mutating func envFiles(_ node: Node) -> [ComposeVariable] {
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
                    let value = entry.value.map { interpolator.interpolate($0, at: at, strict: false) }
                    variables.append(ComposeVariable(name: entry.name, value: value, location: at, literalInComposeFile: false))
                }
            } catch let error as ComposeProblem {
                problems.append(ComposeProblem(error.message, at: location(pathNode)))
            } catch {
                problem(pathNode, "cannot read env_file \(written): \(error)")
            }
        }
        return Self.lastOfEachName(variables)
    }

    // MARK: - depends_on, healthcheck

    mutating func dependencies(_ node: Node) -> [ComposeDependency] {
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

    mutating func healthcheck(_ node: Node) -> Located<ComposeHealthcheck>? {
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
}
