import BlackboxCore
import BlackboxStore
import DockerEngine
import Foundation
import Yams

/// Reads one playbook from YAML, collecting every problem with its line instead of stopping at the first.
///
/// Unknown keys are errors, as are missing required keys, wrong types, invalid regular expressions and
/// template names that are neither evidence nor built-in values.
public struct PlaybookParser {
    let file: String
    private(set) var diagnostics: [PlaybookDiagnostic] = []

    /// Parses `yaml` read from `file` (used in diagnostics). Returns the playbook when there was no error.
    public static func parse(yaml: String, file: String) -> (playbook: Playbook?, diagnostics: [PlaybookDiagnostic]) {
        var parser = PlaybookParser(file: file)
        var playbook = parser.parseDocument(yaml)
        playbook?.yaml = yaml
        let failed = parser.diagnostics.contains { $0.severity == .error }
        return (failed ? nil : playbook, parser.diagnostics.sorted { $0.line < $1.line })
    }

    mutating func error(_ node: Node?, _ message: String) {
        diagnostics.append(PlaybookDiagnostic(file: file, line: node?.mark?.line ?? 0, message: message))
    }

    mutating func warning(_ node: Node?, _ message: String) {
        diagnostics.append(PlaybookDiagnostic(file: file, line: node?.mark?.line ?? 0, message: message, severity: .warning))
    }

    mutating func parseDocument(_ yaml: String) -> Playbook? {
        let root: Node?
        do {
            root = try YAMLBounds.compose(yaml, maximumBytes: Self.maximumBytes, maximumNodes: YAMLBounds.maximumPlaybookNodes)
        } catch let error as YAMLBounds.Refused {
            diagnostics.append(PlaybookDiagnostic(file: file, line: error.line, message: "refused: \(error.reason)"))
            return nil
        } catch let error as YamlError {
            diagnostics.append(PlaybookDiagnostic(file: file, line: error.line(in: yaml), message: "not valid YAML: \(error.summary)"))
            return nil
        } catch {
            diagnostics.append(PlaybookDiagnostic(file: file, line: 0, message: "not valid YAML: \(error)"))
            return nil
        }
        guard let root, let mapping = root.mapping else {
            error(root, "a playbook is a mapping with id, title, severity, match, evidence, diagnosis, fix and actions")
            return nil
        }
        let keys = fields(
            mapping, allowed: ["id", "title", "class", "severity", "fallback", "sources", "match", "evidence", "diagnosis", "fix", "actions"],
            required: ["id", "title", "severity", "match", "diagnosis", "fix"], at: root)
        let id = string(keys["id"], "id")
        if let id, id.range(of: #"^[a-z0-9][a-z0-9-]*$"#, options: .regularExpression) == nil {
            error(keys["id"], "id '\(id)' must be lower-case letters, digits and dashes")
        }
        let title = string(keys["title"], "title")
        var severity: Playbook.Severity?
        if let text = string(keys["severity"], "severity") {
            severity = Playbook.Severity(rawValue: text)
            if severity == nil { error(keys["severity"], "severity '\(text)' is not one of \(Playbook.Severity.allCases.map(\.rawValue).joined(separator: ", "))") }
        }
        var failureClass: Playbook.FailureClass?
        if let text = string(keys["class"], "class") {
            failureClass = Playbook.FailureClass(rawValue: text)
            if failureClass == nil { error(keys["class"], "class '\(text)' is not one of \(Playbook.FailureClass.allCases.map(\.rawValue).joined(separator: ", "))") }
        }
        var fallback = false
        if let node = keys["fallback"] {
            if let flag = node.bool { fallback = flag } else { error(node, "fallback is true or false") }
        }
        var sources: [String] = []
        if let node = keys["sources"] {
            for item in node.sequence.map(Array.init) ?? [node] {
                if let text = item.scalar?.string, !text.isEmpty { sources.append(text) } else { error(item, "sources is a list of public reports: `owner/repo#123` or a URL") }
            }
        }
        let match = keys["match"].flatMap { predicate($0) }
        var evidence: [(name: String, source: EvidenceSource)] = []
        var declared: Set<String> = []
        if let node = keys["evidence"] {
            if let mapping = node.mapping {
                for (key, value) in mapping {
                    guard let name = key.string, name.range(of: #"^[a-z_][a-z0-9_]*$"#, options: .regularExpression) != nil else {
                        error(key, "evidence names are lower_snake_case")
                        continue
                    }
                    if evidence.contains(where: { $0.name == name }) || TemplateRenderer.builtins.contains(name) {
                        error(key, "evidence '\(name)' is defined twice or shadows a built-in value")
                    }
                    declared.insert(name)
                    if let source = evidenceSource(value, known: evidence.map(\.name)) { evidence.append((name, source)) }
                }
            } else {
                error(node, "evidence must be a mapping of names to sources")
            }
        }
        let names = declared.union(TemplateRenderer.builtins)
        let diagnosis = string(keys["diagnosis"], "diagnosis")
        let fix = string(keys["fix"], "fix")
        for (key, template) in [("diagnosis", diagnosis), ("fix", fix)] {
            guard let template else { continue }
            for problem in TemplateRenderer.problems(in: template, names: names) { error(keys[key], problem) }
            for problem in TemplateRenderer.warnings(in: template) { warning(keys[key], "\(key): \(problem)") }
        }
        var actions: [ContainerOperation] = []
        if let node = keys["actions"] {
            for item in node.sequence.map(Array.init) ?? [node] {
                if let name = item.string, let action = ContainerOperation(rawValue: name) {
                    actions.append(action)
                } else {
                    error(item, "unknown action '\(item.string ?? "?")': use \(ContainerOperation.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
        }
        guard let id, let title, let severity, let match, let diagnosis, let fix,
            let diagnosisTemplate = try? Template(diagnosis), let fixTemplate = try? Template(fix)
        else { return nil }
        return Playbook(
            id: id, title: title, severity: severity, failureClass: failureClass, sources: sources, fallback: fallback, match: match,
            evidence: evidence, diagnosis: diagnosis, fix: fix, actions: actions, source: file, diagnosisTemplate: diagnosisTemplate,
            fixTemplate: fixTemplate)
    }

    // MARK: - Predicates

    /// A predicate written `{log: REGEX}` whose regex's first group captures what the predicate looks up.
    private mutating func capturingLog(_ value: Node, _ key: String, capturing what: String) -> String? {
        guard let fields = value.mapping else {
            error(value, "\(key) takes {log: REGEX}, the regex's first group capturing \(what)")
            return nil
        }
        let keys = self.fields(fields, allowed: ["log"], required: ["log"], at: value)
        guard let logNode = keys["log"], let pattern = regex(logNode) else { return nil }
        guard let compiled = try? NSRegularExpression(pattern: pattern), compiled.numberOfCaptureGroups > 0 else {
            error(logNode, "\(key)'s log regex needs a capture group for \(what)")
            return nil
        }
        return pattern
    }

    private static let predicateKeys = [
        "all", "any", "not", "trigger", "event", "inspect", "inspect_any", "log", "samples", "count", "sequence", "occurrences", "exit_code", "dependency", "observation", "env_near", "noexec_path", "network_peer_gone", "address_moved",
    ]

    mutating func predicate(_ node: Node) -> Predicate? {
        guard let mapping = node.mapping, mapping.count == 1, let (keyNode, value) = mapping.first, let key = keyNode.string else {
            error(node, "a predicate is a mapping with one key: \(Self.predicateKeys.joined(separator: ", "))")
            return nil
        }
        switch key {
        case "all", "any":
            guard let items = value.sequence, !items.isEmpty else {
                error(value, "'\(key)' takes a non-empty list of predicates")
                return nil
            }
            let predicates = items.compactMap { predicate($0) }
            guard predicates.count == items.count else { return nil }
            return key == "all" ? .all(predicates) : .any(predicates)
        case "not":
            return predicate(value).map { .not($0) }
        case "trigger":
            let names = (value.sequence.map(Array.init) ?? [value]).compactMap(\.string)
            let known = IncidentTrigger.allCases.map(\.rawValue)
            for name in names where !known.contains(name) { error(value, "unknown trigger '\(name)': use \(known.joined(separator: ", "))") }
            return names.isEmpty ? nil : .trigger(names)
        case "event":
            return eventPattern(value).map { .event($0) }
        case "inspect":
            return pathConditions(value).map { .inspect($0) }
        case "inspect_any":
            guard let fields = value.mapping, fields.count == 1, let (pathNode, conditions) = fields.first, let path = pathNode.string else {
                error(value, "inspect_any takes one array path with field conditions, as in {Mounts: {RW: false}}")
                return nil
            }
            return pathConditions(conditions).map { .inspectAny(path: path, fields: $0) }
        case "log":
            return regex(value).map { .log($0) }
        case "samples":
            guard let fields = value.mapping else {
                error(value, "samples takes {column, divided_by, aggregate, within, is}")
                return nil
            }
            let keys = self.fields(fields, allowed: ["column", "divided_by", "aggregate", "within", "is"], required: ["column", "is"], at: value)
            guard let query = sampleQuery(keys, at: value), let isNode = keys["is"], let test = condition(isNode) else { return nil }
            return .samples(query, test)
        case "count":
            guard let fields = value.mapping else {
                error(value, "count takes {event, is}")
                return nil
            }
            let keys = self.fields(fields, allowed: ["event", "is"], required: ["event", "is"], at: value)
            guard let eventNode = keys["event"], let pattern = eventPattern(eventNode), let isNode = keys["is"], let test = condition(isNode) else { return nil }
            return .count(pattern, test)
        case "sequence":
            guard let items = value.sequence, items.count >= 2 else {
                error(value, "sequence takes a list of at least two event patterns")
                return nil
            }
            let patterns = items.compactMap { eventPattern($0) }
            return patterns.count == items.count ? .sequence(patterns) : nil
        case "occurrences":
            return condition(value).map { .occurrences($0) }
        case "exit_code":
            return condition(value).map { .exitCode($0) }
        case "dependency":
            guard let fields = value.mapping else {
                error(value, "dependency takes {failed: true} or {ready: false}")
                return nil
            }
            let keys = self.fields(fields, allowed: ["failed", "ready"], required: [], at: value)
            let failed = keys["failed"]?.bool
            let ready = keys["ready"]?.bool
            guard failed != nil || ready != nil else {
                error(value, "dependency takes {failed: true} or {ready: false}")
                return nil
            }
            return .dependency(failed: failed, ready: ready)
        case "observation":
            return observationKind(value, allowed: ["kind"]).map { .observation(kind: $0.kind) }
        case "env_near":
            return capturingLog(value, key, capturing: "the variable's name").map { .envNear(log: $0) }
        case "network_peer_gone":
            guard value.bool == true else {
                error(value, "network_peer_gone takes true")
                return nil
            }
            return .networkPeerGone
        case "address_moved":
            return capturingLog(value, key, capturing: "an IP address").map { .addressMoved(log: $0) }
        case "noexec_path":
            return capturingLog(value, key, capturing: "a container path").map { .noexecPath(log: $0) }
        default:
            error(keyNode, "unknown predicate '\(key)': use \(Self.predicateKeys.joined(separator: ", "))")
            return nil
        }
    }

    /// `{kind: kernel_oom}` (and `field: path` where `allowed` has it): a recorder observation's kind, which must be
    /// one the recorder writes about containers.
    mutating func observationKind(_ node: Node, allowed: [String]) -> (kind: String, field: String?, capture: String?)? {
        guard let mapping = node.mapping else {
            error(node, "observation takes {\(allowed.joined(separator: ", "))}, as in {kind: kernel_oom}")
            return nil
        }
        let keys = fields(mapping, allowed: allowed, required: ["kind"], at: node)
        guard let kind = keys["kind"].flatMap({ string($0, "kind") }) else { return nil }
        guard Self.observationKinds.contains(kind) else {
            error(keys["kind"], "unknown observation kind '\(kind)': use \(Self.observationKinds.joined(separator: ", "))")
            return nil
        }
        return (kind, keys["field"].flatMap { string($0, "field") }, keys["capture"].flatMap { regex($0) })
    }

    /// The recorder's observations about a container (`events.kind` values other than `engine`).
    static let observationKinds = [
        EventKind.kernelOOM, .memoryPressure, .cpuPressure, .pidsPressure, .diskPressure, .errorBurst, .startFailure, .inspect, .logTail, .reconciledExit, .reconciledCreate, .reconciledStart, .reconciledRestart,
        .reconciledRemove,
    ].map(\.rawValue)

    mutating func eventPattern(_ node: Node) -> EventPattern? {
        guard let mapping = node.mapping else {
            error(node, "an event pattern is a mapping of type, action, exit_code and signal")
            return nil
        }
        let keys = fields(mapping, allowed: ["type", "action", "exit_code", "signal"], required: [], at: node)
        var pattern = EventPattern()
        pattern.type = keys["type"].flatMap { string($0, "type") }
        pattern.action = keys["action"].flatMap { string($0, "action") }
        pattern.exitCode = keys["exit_code"].flatMap { condition($0) }
        pattern.signal = keys["signal"].flatMap { condition($0) }
        return pattern
    }

    mutating func pathConditions(_ node: Node) -> [(path: String, condition: Condition)]? {
        guard let mapping = node.mapping, !mapping.isEmpty else {
            error(node, "expected a mapping of paths to conditions, as in {State.OOMKilled: true}")
            return nil
        }
        var result: [(path: String, condition: Condition)] = []
        for (key, value) in mapping {
            guard let path = key.string, let test = condition(value) else { continue }
            result.append((path, test))
        }
        return result.count == mapping.count ? result : nil
    }

    private static let conditionKeys = ["equals", "not_equals", "in", "matches", "gte", "gt", "lte", "lt", "exists"]

    mutating func condition(_ node: Node) -> Condition? {
        if let items = node.sequence { return .oneOf(items.map(Self.value)) }
        guard let mapping = node.mapping else { return .equals(Self.value(node)) }
        var conditions: [Condition] = []
        for (key, value) in mapping {
            switch key.string ?? "" {
            case "equals": conditions.append(.equals(Self.value(value)))
            case "not_equals": conditions.append(.notEquals(Self.value(value)))
            case "in": conditions.append(.oneOf((value.sequence.map(Array.init) ?? [value]).map(Self.value)))
            case "matches": if let pattern = regex(value) { conditions.append(.matches(pattern)) }
            case "exists": conditions.append(.exists(value.bool ?? true))
            case let bound where ["gte", "gt", "lte", "lt"].contains(bound):
                guard let number = value.float ?? value.int.map(Double.init) else {
                    error(value, "'\(bound)' takes a number")
                    continue
                }
                conditions.append(bound == "gte" ? .greaterOrEqual(number) : bound == "gt" ? .greater(number) : bound == "lte" ? .lessOrEqual(number) : .less(number))
            default:
                error(key, "unknown condition '\(key.string ?? "?")': use \(Self.conditionKeys.joined(separator: ", "))")
            }
        }
        guard conditions.count == mapping.count else { return nil }
        return conditions.count == 1 ? conditions[0] : .all(conditions)
    }

    // MARK: - Helpers

    /// The mapping's values by key; unknown keys and missing required keys are reported.
    mutating func fields(_ mapping: Node.Mapping, allowed: [String], required: [String], at node: Node) -> [String: Node] {
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string, allowed.contains(name) else {
                error(key, "unknown key '\(key.string ?? "?")' (expected one of: \(allowed.joined(separator: ", ")))")
                continue
            }
            if result[name] != nil { error(key, "'\(name)' appears twice") }
            result[name] = value
        }
        for name in required where result[name] == nil { error(node, "missing required key '\(name)'") }
        return result
    }

    mutating func string(_ node: Node?, _ key: String) -> String? {
        guard let node else { return nil }
        guard let text = node.scalar?.string, !text.isEmpty else {
            error(node, "'\(key)' must be a non-empty string")
            return nil
        }
        return text
    }

    mutating func regex(_ node: Node) -> String? {
        guard let pattern = node.scalar?.string else {
            error(node, "expected a regular expression")
            return nil
        }
        do {
            _ = try NSRegularExpression(pattern: pattern)
        } catch {
            self.error(node, "invalid regular expression '\(pattern)'")
            return nil
        }
        if let problem = RegexBudget.problem(pattern) {
            self.error(node, "regular expression '\(pattern)' is refused: \(problem)")
            return nil
        }
        return pattern
    }

    static func value(_ node: Node) -> JSONValue {
        guard let scalar = node.scalar else { return .string(node.string ?? "") }
        if scalar.style == .plain {
            if let bool = node.bool { return .bool(bool) }
            if let int = node.int { return .number(Double(int)) }
            if let number = node.float { return .number(number) }
            if node.null != nil { return .null }
        }
        return .string(scalar.string)
    }
}
