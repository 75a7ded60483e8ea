import BlackboxCore
import Foundation
import Yams

/// The `evidence:` section of a playbook: one source per name.
extension PlaybookParser {
    static let evidenceKeys = [
        "inspect", "inspect_any", "samples", "count", "log", "trigger", "sum", "max", "first", "health_log", "health_output", "lookup", "exit_codes", "dependency", "observation", "env_near",
    ]

    mutating func evidenceSource(_ node: Node, known: [String]) -> EvidenceSource? {
        guard let mapping = node.mapping, let (keyNode, value) = mapping.first(where: { Self.evidenceKeys.contains($0.key.string ?? "") }) else {
            error(node, "an evidence source is a mapping with one of: \(Self.evidenceKeys.joined(separator: ", "))")
            return nil
        }
        let key = keyNode.string ?? ""
        switch key {
        case "inspect":
            let keys = fields(mapping, allowed: ["inspect", "capture"], required: [], at: node)
            guard let path = string(value, "inspect") else { return nil }
            let capture = keys["capture"].flatMap { regex($0) }
            return .inspect(path: path, capture: capture)
        case "inspect_any":
            let keys = fields(mapping, allowed: ["inspect_any", "where", "field"], required: ["where", "field"], at: node)
            guard let path = string(value, "inspect_any"), let whereNode = keys["where"], let conditions = pathConditions(whereNode),
                let field = keys["field"].flatMap({ string($0, "field") })
            else { return nil }
            return .inspectAny(path: path, fields: conditions, field: field)
        case "samples":
            var keys = fields(mapping, allowed: ["samples", "divided_by", "aggregate", "within"], required: [], at: node)
            keys["column"] = value
            return sampleQuery(keys, at: node).map { .samples($0) }
        case "count":
            _ = fields(mapping, allowed: ["count"], required: [], at: node)
            return eventPattern(value).map { .count($0) }
        case "log":
            _ = fields(mapping, allowed: ["log"], required: [], at: node)
            return regex(value).map { .log($0) }
        case "health_output":
            _ = fields(mapping, allowed: ["health_output"], required: [], at: node)
            return regex(value).map { .healthOutput($0) }
        case "trigger":
            _ = fields(mapping, allowed: ["trigger"], required: [], at: node)
            guard let field = string(value, "trigger"), ["exit_code", "signal", "action"].contains(field) else {
                error(value, "trigger takes exit_code, signal or action")
                return nil
            }
            return .trigger(field)
        case "sum", "max":
            _ = fields(mapping, allowed: [key], required: [], at: node)
            guard let items = value.sequence, !items.isEmpty else {
                error(value, "\(key) takes a non-empty list of evidence names and numbers")
                return nil
            }
            var terms: [JSONValue] = []
            for item in items {
                if let number = item.int.map(Double.init) ?? item.float {
                    terms.append(.number(number))
                } else if let name = item.string, known.contains(name) {
                    terms.append(.string(name))
                } else {
                    error(item, "\(key) terms are numbers or evidence names defined above it ('\(item.string ?? "?")' is neither)")
                }
            }
            return key == "sum" ? .sum(terms) : .maximum(terms)
        case "first":
            _ = fields(mapping, allowed: ["first"], required: [], at: node)
            guard let items = value.sequence, !items.isEmpty else {
                error(value, "first takes a non-empty list of evidence names")
                return nil
            }
            var names: [String] = []
            for item in items {
                if let name = item.string, known.contains(name) { names.append(name) } else {
                    error(item, "first takes evidence names defined above it ('\(item.string ?? "?")' is none)")
                }
            }
            return .first(names)
        case "health_log":
            _ = fields(mapping, allowed: ["health_log"], required: [], at: node)
            guard let count = value.int, count > 0 else {
                error(value, "health_log takes how many probe results to keep, a positive number")
                return nil
            }
            return .healthLog(count)
        case "lookup":
            let keys = fields(mapping, allowed: ["lookup", "of", "capture"], required: ["of"], at: node)
            guard let name = string(value, "lookup").flatMap(LookupName.init(rawValue:)) else {
                error(value, "lookup takes \(LookupName.written)")
                return nil
            }
            guard let argument = keys["of"].flatMap({ string($0, "of") }), known.contains(argument) else {
                error(keys["of"] ?? node, "lookup needs 'of': an evidence name defined above it")
                return nil
            }
            return .lookup(name, argument: argument, capture: keys["capture"].flatMap { regex($0) })
        case "dependency":
            _ = fields(mapping, allowed: ["dependency"], required: [], at: node)
            let known = ["service", "container", "state", "incident", "condition"]
            guard let field = string(value, "dependency"), known.contains(field) else {
                error(value, "dependency takes \(known.joined(separator: ", "))")
                return nil
            }
            return .dependency(field)
        case "observation":
            _ = fields(mapping, allowed: ["observation"], required: [], at: node)
            return observationKind(value, allowed: ["kind", "field", "capture"]).map { .observation(kind: $0.kind, field: $0.field, capture: $0.capture) }
        case "env_near":
            _ = fields(mapping, allowed: ["env_near"], required: [], at: node)
            guard let name = value.string, known.contains(name) else {
                error(value, "env_near takes the evidence name, defined above it, of the variable a log line asks for")
                return nil
            }
            return .envNear(of: name)
        default:
            _ = fields(mapping, allowed: ["exit_codes"], required: [], at: node)
            return .exitCodes
        }
    }
}
