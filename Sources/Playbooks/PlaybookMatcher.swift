import BlackboxCore
import BlackboxStore
import DockerEngine
import Foundation

/// A playbook that matched an incident, with its evidence and rendered text.
public struct PlaybookMatch: Sendable {
    public var playbook: Playbook
    /// Evidence values by name, in the playbook's order, then the built-in values.
    public var evidence: [(name: String, value: JSONValue)]
    public var diagnosis: String
    public var fix: String

    /// The row stored in `incident_matches`.
    public func record(incidentID: Int64, rank: Int, occurrence: Int = 1) -> PlaybookMatchRecord {
        let object = JSONValue.object(Dictionary(evidence.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }))
        return PlaybookMatchRecord(
            incidentID: incidentID, rank: rank, playbookID: playbook.id, title: playbook.title, severity: playbook.severity.rawValue,
            diagnosis: diagnosis, fix: fix, evidence: object.description, occurrence: occurrence)
    }
}

/// Matches playbooks against one occurrence of an incident and ranks the matches: playbooks that know a cause before
/// fallbacks (``Playbook/fallback``), then the most specific first, then the most severe, then by id.
public struct PlaybookMatcher: Sendable {
    public let playbooks: [Playbook]

    public init(playbooks: [Playbook]) {
        self.playbooks = playbooks
    }

    /// Every playbook that matches, best first. When one that knows a cause matches, the fallbacks are left out: they
    /// explain only the failure's shape ("exited 1, no playbook recognises it"), which the cause already explains.
    public func matches(_ context: IncidentContext) -> [PlaybookMatch] {
        let ranked = playbooks.filter { evaluate($0.match, context) }
            .map { (playbook: $0, specificity: specificity($0.match, context)) }
            .sorted { lhs, rhs in
                if lhs.playbook.fallback != rhs.playbook.fallback { return !lhs.playbook.fallback }
                return (lhs.specificity, rhs.playbook.severity, rhs.playbook.id) > (rhs.specificity, lhs.playbook.severity, lhs.playbook.id)
            }
            .map(\.playbook)
        let knowsACause = ranked.first.map { !$0.fallback } ?? false
        return ranked.filter { !knowsACause || !$0.fallback }.map { render($0, context) }
    }

    /// How many facts of the context a predicate that holds is matched on: the leaves of an `all` and of a `not`, the
    /// most specific branch of an `any` that holds (not the sum of every branch).
    public func specificity(_ predicate: Predicate, _ context: IncidentContext) -> Int {
        switch predicate {
        case .all(let predicates): predicates.map { specificity($0, context) }.reduce(0, +)
        case .any(let predicates): predicates.filter { evaluate($0, context) }.map { specificity($0, context) }.max() ?? 0
        default: predicate.leafCount
        }
    }

    /// Each occurrence's matches, best first, in occurrence order.
    public func matches(_ evidence: IncidentEvidence) -> [[PlaybookMatch]] {
        evidence.occurrences.map(matches)
    }

    /// Renders one playbook against the context whether or not it matches (for `playbook run`).
    public func render(_ playbook: Playbook, _ context: IncidentContext) -> PlaybookMatch {
        var values = Self.builtins(context)
        var evidence: [(name: String, value: JSONValue)] = []
        for (name, source) in playbook.evidence {
            let value = gather(source, context, values) ?? .null
            values[name] = value
            evidence.append((name, value))
        }
        return PlaybookMatch(
            playbook: playbook, evidence: evidence, diagnosis: TemplateRenderer.render(playbook.diagnosisTemplate, values: values),
            fix: TemplateRenderer.render(playbook.fixTemplate, values: values))
    }

    /// Whether the predicate holds for the context.
    public func evaluate(_ predicate: Predicate, _ context: IncidentContext) -> Bool {
        switch predicate {
        case .all(let predicates): return predicates.allSatisfy { evaluate($0, context) }
        case .any(let predicates): return predicates.contains { evaluate($0, context) }
        case .not(let predicate): return !evaluate(predicate, context)
        case .trigger(let names): return !Set(context.incident.triggerKinds).isDisjoint(with: names)
        case .event(let pattern): return context.engineEvents.contains { pattern.matches($0) }
        case .inspect(let conditions):
            guard let inspect = context.inspect else { return false }
            return conditions.allSatisfy { $0.condition.holds(for: inspect[path: $0.path]) }
        case .inspectAny(let path, let fields):
            return Self.firstElement(of: path, where: fields, in: context.inspect) != nil
        case .log(let pattern):
            return context.logLines.contains { $0.text.range(of: pattern, options: .regularExpression) != nil }
        case .samples(let query, let condition):
            return condition.holds(for: Self.aggregate(query, context))
        case .count(let pattern, let condition):
            return condition.holds(for: .number(Double(context.engineEvents.filter { pattern.matches($0) }.count)))
        case .sequence(let patterns):
            var remaining = patterns[...]
            for event in context.engineEvents where remaining.first?.matches(event) == true { remaining = remaining.dropFirst() }
            return remaining.isEmpty
        case .occurrences(let condition):
            return condition.holds(for: .number(Double(context.incident.occurrences)))
        case .exitCode(let condition):
            return condition.holds(for: context.incident.exitCode.map { .number(Double($0)) })
        case .dependency(let failed, let ready):
            return (context.compose?.dependencies ?? []).contains { dependency in
                (failed.map { $0 == dependency.failed } ?? true) && (ready.map { $0 == dependency.ready } ?? true)
            }
        case .observation(let kind):
            return !Self.observations(kind, context).isEmpty
        case .envNear(let pattern):
            let names = EnvironmentName.names(in: context.inspect)
            return context.logLines.contains { line in
                Self.capture(pattern, in: line.text).flatMap { EnvironmentName.misspelling(of: $0, in: names) } != nil
            }
        case .networkPeerGone:
            guard let mode = context.inspect?[path: "HostConfig.NetworkMode"]?.stringValue, let id = LookupName.networkPeerID(mode) else { return false }
            let running = context.lookups.runningSnapshots()
            return !running.isEmpty && running[id] == nil
        case .addressMoved(let pattern):
            let texts = context.logLines.map(\.text) + Self.healthOutputs(context)
            return texts.contains { text in Self.capture(pattern, in: text).flatMap { LookupName.movedService($0, context) } != nil }
        case .noexecPath(let pattern):
            return context.logLines.contains { line in
                Self.capture(pattern, in: line.text).flatMap { LookupName.noexecTmpfs(holding: $0, in: context.inspect) } != nil
            }
        }
    }

    private func gather(_ source: EvidenceSource, _ context: IncidentContext, _ values: [String: JSONValue]) -> JSONValue? {
        switch source {
        case .inspect(let path, let capture):
            guard let value = context.inspect?[path: path] else { return nil }
            guard let capture else { return value }
            return Self.capture(capture, in: value.description).map(JSONValue.string)
        case .inspectAny(let path, let fields, let field):
            return Self.firstElement(of: path, where: fields, in: context.inspect)?[path: field]
        case .samples(let query):
            return Self.aggregate(query, context)
        case .count(let pattern):
            return .number(Double(context.engineEvents.filter { pattern.matches($0) }.count))
        case .log(let pattern):
            guard let line = context.logLines.last(where: { $0.text.range(of: pattern, options: .regularExpression) != nil }) else { return nil }
            return .string(Self.capture(pattern, in: line.text) ?? line.text)
        case .first(let names):
            return names.lazy.compactMap { name in values[name].flatMap { Template.hasValue($0) ? $0 : nil } }.first
        case .healthOutput(let pattern):
            guard let line = Self.healthOutputs(context).last(where: { $0.range(of: pattern, options: .regularExpression) != nil }) else { return nil }
            return .string(Self.capture(pattern, in: line) ?? line)
        case .trigger(let field):
            let trigger = context.engineEvents.last { $0.action == "die" } ?? context.events.first { context.incident.seqs.last == $0.seq }
            switch field {
            case "exit_code": return trigger?.exitCode.map { .number(Double($0)) }
            case "signal": return context.engineEvents.last { $0.action == "kill" }?.signal.map(JSONValue.string)
            default: return trigger?.action.map(JSONValue.string)
            }
        case .sum(let terms):
            var total = 0.0
            for term in terms {
                if case .string(let name) = term {
                    guard let number = values[name]?.numberValue else { return nil }
                    total += number
                } else {
                    total += term.numberValue ?? 0
                }
            }
            return .number(total)
        case .maximum(let terms):
            let numbers = terms.compactMap { term -> Double? in
                if case .string(let name) = term { return values[name]?.numberValue }
                return term.numberValue
            }
            return numbers.max().map(JSONValue.number)
        case .healthLog(let count):
            var seen: Set<String> = []
            var entries: [JSONValue] = []
            for snapshot in context.snapshots {
                guard case .array(let log)? = snapshot[path: "State.Health.Log"] else { continue }
                for entry in log where seen.insert(entry[path: "Start"]?.description ?? "").inserted {
                    let output = (entry[path: "Output"]?.description ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                    entries.append(.string("exit \(entry[path: "ExitCode"]?.description ?? "?"): \(output.isEmpty ? "(no output)" : output)"))
                }
            }
            return .array(Array(entries.suffix(count)))
        case .lookup(let name, let argument, let capture):
            guard let key = values[argument]?.stringValue else { return nil }
            let found = name.answer(key, context)
            guard let capture else { return found.map(JSONValue.string) }
            return found.flatMap { Self.capture(capture, in: $0) }.map(JSONValue.string)
        case .exitCodes:
            return .array(context.history.compactMap { $0.exitCode.map { .number(Double($0)) } })
        case .dependency(let field):
            let dependencies = context.compose?.dependencies ?? []
            guard let dependency = dependencies.first(where: \.failed) ?? dependencies.first(where: { !$0.ready }) else { return nil }
            switch field {
            case "service": return .string(dependency.service)
            case "container": return dependency.container.map(JSONValue.string)
            case "state": return .string(dependency.summary)
            case "incident": return dependency.incident?.id.map { .number(Double($0)) }
            default: return dependency.condition.map(JSONValue.string)
            }
        case .observation(let kind, let field, let capture):
            let value = Self.observationEvidence(kind, field: field, context)
            guard let capture else { return value }
            return value.flatMap { Self.capture(capture, in: $0.description) }.map(JSONValue.string)
        case .envNear(let name):
            guard let wanted = values[name]?.stringValue else { return nil }
            return EnvironmentName.misspelling(of: wanted, in: EnvironmentName.names(in: context.inspect)).map(JSONValue.string)
        }
    }

    static func aggregate(_ query: SampleQuery, _ context: IncidentContext) -> JSONValue? {
        let from = context.incident.lastNanos - query.withinNanos
        let values: [Double] = context.samples.filter { $0.timeNanos >= from }.compactMap { sample in
            guard let value = sample.value(query.column) else { return nil }
            guard let divisor = query.dividedBy else { return value }
            guard let denominator = sample.value(divisor), denominator > 0 else { return nil }
            return value / denominator
        }
        guard !values.isEmpty else { return nil }
        let result: Double =
            switch query.aggregate {
            case .max: values.max()!
            case .min: values.min()!
            case .avg: values.reduce(0, +) / Double(values.count)
            case .first: values.first!
            case .last: values.last!
            }
        return .number(result)
    }

    static func firstElement(of path: String, where fields: [(path: String, condition: Condition)], in inspect: JSONValue?) -> JSONValue? {
        guard case .array(let items)? = inspect?[path: path] else { return nil }
        return items.first { item in fields.allSatisfy { $0.condition.holds(for: item[path: $0.path]) } }
    }

    /// The first capture group of `pattern`'s first match in `text` that took part in the match (alternatives may
    /// capture in different groups); nil without a match or a group.
    /// The outputs of the health-check probes in the occurrence's snapshots (`State.Health.Log[].Output`), each line.
    static func healthOutputs(_ context: IncidentContext) -> [String] {
        context.snapshots.flatMap { snapshot -> [String] in
            guard case .array(let log)? = snapshot[path: "State.Health.Log"] else { return [] }
            return log.flatMap { ($0[path: "Output"]?.stringValue ?? "").split(separator: "\n").map(String.init) }
        }
    }

    static func capture(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), match.numberOfRanges > 1
        else { return nil }
        for group in 1..<match.numberOfRanges {
            if let range = Range(match.range(at: group), in: text) { return String(text[range]) }
        }
        return nil
    }

    /// The values every playbook may use (``BuiltinValue``), those the incident has.
    static func builtins(_ context: IncidentContext) -> [String: JSONValue] {
        var values: [String: JSONValue] = [:]
        for builtin in BuiltinValue.allCases { values[builtin.rawValue] = builtin.value(in: context) }
        return values
    }
}

extension PlaybookMatcher {
    /// How long the engine waited between a stop's SIGTERM and its SIGKILL (the `kill` events of the occurrence), in
    /// nanoseconds: the grace period the stop really had. Nil without both signals.
    static func stopWaited(_ context: IncidentContext) -> Int64? {
        let kills = context.engineEvents.filter { $0.action == "kill" }
        guard let sigkill = kills.last(where: { $0.signal.flatMap(Signal.number) == 9 }),
            let sigterm = kills.last(where: { $0.signal.flatMap(Signal.number) == 15 && $0.timeNanos <= sigkill.timeNanos })
        else { return nil }
        return sigkill.timeNanos - sigterm.timeNanos
    }
}

/// What a container's exit code means.
public enum ExitCode {
    /// `afterARun`: the process had started (the failure came after a `start`), so 128 is the program's own code
    /// (git's for a fatal error), not the engine's for a start that failed.
    public static func meaning(_ code: Int, afterARun: Bool = false) -> String {
        switch code {
        case 128 where afterARun: "the application exited with code 128 (git's code for a fatal error; a shell's for an invalid exit status)"
        case 0: "exited normally"
        case 1: "the application failed (general error)"
        case 2: "misuse of a shell builtin or bad arguments"
        case 125: "the engine could not run the container"
        case 126: "the command cannot be executed (not executable, or permission denied)"
        case 127: "the command was not found"
        case 128: "the container failed to start"
        // A pipeline's status under `set -o pipefail` as often as a process the signal ended: not "killed".
        case 141: "SIGPIPE (128 + 13): a write to a pipe whose reader had gone"
        case 129...128 + Signal.highest: "killed by \(Signal.name(forExitCode: code) ?? "a signal") (128 + \(code - 128))"
        case (128 + Signal.highest + 1)...255: "the application exited with an error (a code of its own: \(code) − 128 = \(code - 128) is no signal's number)"
        default: "the application exited with an error"
        }
    }
}
