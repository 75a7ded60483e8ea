import BlackboxCore
import Foundation
import Yams

/// Reads one compose file into services, from Yams nodes so that every value keeps its line. Interpolates every
/// scalar it reads; collects problems (invalid YAML, a value of the wrong type) instead of stopping at the first.
struct ComposeFileParser {
    /// The path as shown in findings.
    let file: String
    /// Relative bind-mount sources and `env_file` paths are resolved against it.
    let projectDirectory: String
    var interpolator: Interpolator
    var problems: [ComposeProblem] = []
    /// Each service's `extends`, by service name, as the services are read.
    var extendsReferences: [String: ExtendsReference] = [:]

    init(file: String, projectDirectory: String, interpolator: Interpolator) {
        self.file = file
        self.projectDirectory = projectDirectory
        self.interpolator = interpolator
    }

    /// The file's top-level `name`, its services in order, their `extends` and its `include` entries.
    mutating func parse(_ yaml: String) -> ComposeFileModel {
        var model = ComposeFileModel(file: file, name: nil, services: [])
        let root: Node?
        do {
            root = try YAMLBounds.compose(yaml, maximumBytes: ComposeLoader.maximumFileBytes, maximumNodes: YAMLBounds.maximumComposeNodes)
        } catch let error as YAMLBounds.Refused {
            problem(nil, "refused: \(error.reason)", line: error.line)
            return model
        } catch let error as YamlError {
            problem(nil, "not valid YAML: \(error.summary)", line: error.line(in: yaml))
            return model
        } catch {
            problem(nil, "not valid YAML: \(error)")
            return model
        }
        guard let root, let top = root.mapping else {
            problem(root, "a compose file is a mapping with `services:`")
            return model
        }
        let keys = pairs(top)
        model.name = keys["name"].flatMap { node in string(node, "name").map { Located($0, at: location(node)) } }
        model.includes = keys["include"].map { includes($0) } ?? []
        guard let servicesNode = keys["services"] else { return model }
        guard let services = servicesNode.mapping else {
            problem(servicesNode, "`services` must be a mapping of service names to their definitions")
            return model
        }
        for (key, value) in services {
            guard let serviceName = key.string else { continue }
            model.services.append(service(serviceName, key: key, value))
        }
        model.extends = extendsReferences
        return model
    }

    // MARK: - Scalars

    mutating func string(_ node: Node, _ key: String) -> String? {
        guard let scalar = node.scalar else {
            problem(node, "\(key) must be a single value")
            return nil
        }
        return interpolator.interpolate(scalar.string, at: location(node))
    }

    mutating func located(_ node: Node, _ key: String) -> Located<String>? {
        string(node, key).map { Located($0, at: location(node)) }
    }

    mutating func bytes(_ node: Node, _ key: String) -> Int64? {
        guard let text = string(node, key) else { return nil }
        guard let bytes = ComposeUnits.bytes(text) else {
            problem(node, "\(key) '\(text)' is not a size such as 512m or 2g")
            return nil
        }
        return bytes
    }

    mutating func number(_ node: Node, _ key: String) -> Double? {
        guard let text = string(node, key) else { return nil }
        guard let value = Double(text), value >= 0 else {
            problem(node, "\(key) '\(text)' is not a number such as 0.5 or 2")
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node, _ key: String) -> Bool? {
        guard let text = string(node, key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            problem(node, "\(key) '\(text)' is not true or false")
            return nil
        }
    }

    mutating func sequence(_ node: Node, _ key: String) -> [Node] {
        guard let items = node.sequence else {
            problem(node, "\(key) must be a list")
            return []
        }
        return Array(items)
    }

    /// A mapping's entries by key, with `<<` merge keys (`<<: *defaults`) expanded below the mapping's own entries.
    func pairs(_ mapping: Node.Mapping) -> OrderedPairs {
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

    func location(_ node: Node?) -> ComposeLocation {
        ComposeLocation(file: file, line: node?.mark?.line ?? 0)
    }

    mutating func problem(_ node: Node?, _ message: String, line: Int? = nil) {
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
