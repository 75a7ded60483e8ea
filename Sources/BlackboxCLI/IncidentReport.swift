import BlackboxCore
import BlackboxStore
import BlackboxViews
import DockerEngine
import Foundation
import Playbooks

/// `incident show` as text: header, diagnosis and fix, evidence, timeline, log tail, alternatives.
/// Pure: the same inputs and `now` give the same text (the golden tests rely on it).
struct IncidentReport {
    var incident: IncidentState
    /// The incident's diagnosis and alternatives, best first.
    var matches: [PlaybookMatchRecord]
    /// Each occurrence's matches by occurrence number; an occurrence nothing matched is absent.
    var occurrenceMatches: [Int: [PlaybookMatchRecord]]
    var evidence: IncidentEvidence
    var policy: IncidentPolicy
    var now: Int64

    /// The occurrence the diagnosis is of (the first when none matched).
    var diagnosed: IncidentContext {
        // IncidentEvidence always holds an occurrence for a stored incident.
        IncidentView.diagnosedContext(evidence, matches: matches) ?? evidence.occurrences[0]
    }

    private var context: IncidentContext { diagnosed }

    func render() -> String {
        var lines: [String] = []
        lines.append("Incident \(incident.id ?? 0): \(IncidentText.containerLabel(incident)) — \(incident.status(now: now, policy: policy))")
        lines += header().map { "  " + $0 }
        lines.append("")
        if let best = matches.first {
            let of = evidence.occurrences.count > 1 ? " (occurrence \(context.occurrence) of \(evidence.occurrences.count))" : ""
            lines.append("Diagnosis\(of): \(best.title)   [\(best.playbookID), \(best.severity)]")
            lines += Self.wrap(best.diagnosis).map { "  " + $0 }
            lines.append("")
            lines.append("Fix:")
            lines += Self.wrap(best.fix).map { "  " + $0 }
            lines.append("")
            let evidence = JSONValue.parse(best.evidence)
            if case .object(let values)? = evidence, !values.isEmpty {
                lines.append("Evidence:")
                // A value the failure did not have (no entrypoint, no matching line) is left out here; `--json` keeps it as null.
                let known = values.filter { Template.hasValue($0.value) }
                let width = known.keys.map(\.count).max() ?? 0
                for key in known.keys.sorted() {
                    let value = known[key]!
                    let text = key.hasSuffix("_bytes") ? TemplateRenderer.format(value, filter: "bytes") : TemplateRenderer.format(value, filter: nil)
                    lines.append("  " + key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + text)
                }
            }
        } else {
            lines.append("Diagnosis: no playbook matched. The raw evidence follows; `blackbox playbook list` shows what is checked.")
            if let line = ErrorLine.mostInformative(context.logLines) {
                lines.append("  The most informative log line: \(line.text)")
            }
            lines.append("")
        }
        if !lines.contains("Evidence:") { lines.append("Evidence:") }
        lines += stateLines().map { "  " + $0 }
        if let memory = memoryLine() { lines.append("  " + memory) }
        lines.append("")
        lines.append("Timeline (relative to the first failure):")
        lines += timeline().map { "  " + $0 }
        if !context.logLines.isEmpty {
            lines.append("")
            lines.append(evidence.occurrences.count > 1 ? "Last log lines (occurrence \(context.occurrence)):" : "Last log lines:")
            let shown = context.logLines.indices.suffix(10)
            lines += shown.map { index in
                let line = context.logLines[index]
                let redacted = context.redactedPerLine.indices.contains(index) ? context.redactedPerLine[index] : 0
                let note = redacted == 0 ? "" : "   (\(redacted) value\(redacted == 1 ? "" : "s") redacted)"
                return "  \(line.stream.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(line.text)\(note)"
            }
        }
        if matches.count > 1 {
            lines.append("")
            lines.append("Also matched:")
            lines += matches.dropFirst().map { "  \($0.playbookID): \($0.title)" }
        }
        return lines.joined(separator: "\n")
    }

    private func header() -> [String] {
        var lines: [String] = []
        if let image = incident.image { lines.append("image        \(image)") }
        if let compose = evidence.compose {
            lines += composeLines(compose)
        } else if let project = incident.composeProject {
            lines.append("compose      project \(project), service \(incident.composeService ?? "?")")
        }
        let plural = incident.occurrences == 1 ? "" : "s"
        lines.append(
            "when         \(Timestamp.rfc3339(unixNanos: incident.openedNanos)) (\(Units.ago(incident.openedNanos, now: now))), \(incident.occurrences) occurrence\(plural), last \(Timestamp.rfc3339(unixNanos: incident.lastNanos))"
        )
        if let ran = context.history.last?.ranForNanos { lines.append("had run for  \(Units.span(nanos: ran))") }
        if let code = context.incident.exitCode {
            lines.append("exit code    \(code): \(ExitCode.meaning(code, afterARun: context.ran))")
        }
        lines.append("trigger      \(incident.triggerKinds.joined(separator: ", "))")
        if let loop = loopLine() { lines.append(loop) }
        if let occurrences = occurrencesLine() { lines.append("occurrences  \(occurrences)") }
        if let resolved = incident.resolvedNanos {
            lines.append("resolved     \(Timestamp.rfc3339(unixNanos: resolved)) (\(incident.resolution ?? ""))")
        }
        return lines
    }

    /// The service's files and dependencies, and the dependencies' incidents just before this one.
    private func composeLines(_ compose: ComposeContext) -> [String] {
        let files = compose.configFiles.isEmpty ? "" : " (\(compose.configFiles.joined(separator: ", ")))"
        var lines = ["compose      project \(compose.project), service \(compose.service)\(files)"]
        if !compose.dependsOn.isEmpty {
            lines.append("depends on   \(compose.dependsOn.joined(separator: ", ")) (from the \(compose.dependenciesSource))")
        }
        for dependency in compose.precedingIncidents {
            let before = Units.span(nanos: incident.openedNanos - dependency.lastNanos)
            lines.append(
                "after        \(dependency.composeService ?? "?") had incident \(dependency.id ?? 0) (\(dependency.triggerKinds.joined(separator: ", "))) \(before) before: `blackbox incident show \(dependency.id ?? 0)`")
        }
        for dependant in compose.followingIncidents {
            let after = Units.span(nanos: max(0, dependant.openedNanos - incident.lastNanos))
            lines.append(
                "followed by  \(dependant.composeService ?? "?") had incident \(dependant.id ?? 0) (\(dependant.triggerKinds.joined(separator: ", "))) \(after) after: `blackbox incident show \(dependant.id ?? 0)`")
        }
        return lines
    }

    /// The shape of a loop (`loop …`, restarted by its policy) or of failures started again by hand (`failures …`):
    /// how many, how fast, the exit codes, the restart policy. Nil for one failure.
    private func loopLine() -> String? {
        let history = evidence.occurrences.last?.history ?? []
        guard history.count > 1, let first = history.first, let last = history.last else { return nil }
        var codes: [(code: String, count: Int)] = []
        for summary in history {
            let code = summary.exitCode.map(String.init) ?? summary.triggers.first ?? "?"
            if codes.last?.code == code { codes[codes.count - 1].count += 1 } else { codes.append((code, 1)) }
        }
        let pattern = codes.map { $0.count > 1 ? "\($0.code) ×\($0.count)" : $0.code }.joined(separator: ", ")
        let span = Units.span(nanos: last.failedNanos - first.failedNanos)
        let shape = "\(history.count) failures in \(span) (exit codes \(pattern))"
        // Without a restart policy the engine restarted nothing: someone started it again (`docker start`, a fix).
        guard let policy = RestartPolicyOutcome(inspect: evidence.occurrences.last?.inspect), policy.name != "no" else {
            return "failures     \(shape); started again by hand (restart policy no)"
        }
        return "loop         \(shape); \(policy.summary)"
    }

    /// Which playbook explained which occurrences, when they differ: `1–5: command-cannot-run; 6: oom-kill`.
    private func occurrencesLine() -> String? {
        let count = evidence.occurrences.count
        guard count > 1 else { return nil }
        var runs: [(from: Int, to: Int, id: String)] = []
        for number in 1...count {
            let id = occurrenceMatches[number]?.first?.playbookID ?? "no playbook matched"
            if let last = runs.last, last.id == id, last.to == number - 1 { runs[runs.count - 1].to = number } else { runs.append((number, number, id)) }
        }
        guard runs.count > 1 else { return nil }
        return runs.map { ($0.from == $0.to ? "\($0.from)" : "\($0.from)–\($0.to)") + ": \($0.id)" }.joined(separator: "; ")
    }

    private func stateLines() -> [String] {
        guard let inspect = context.inspect else { return ["state        no inspect snapshot was recorded"] }
        var parts = ["status=\(inspect[path: "State.Status"]?.description ?? "?")"]
        for (label, path) in [("OOMKilled", "State.OOMKilled"), ("ExitCode", "State.ExitCode"), ("RestartCount", "RestartCount")] {
            if let value = inspect[path: path] { parts.append("\(label)=\(value)") }
        }
        if let policy = RestartPolicyOutcome(inspect: inspect) { parts.append("restart=\(policy.label)") }
        var state = "state        " + parts.joined(separator: " ")
        // A restart policy can start the next run before the recorder inspects the container: then the snapshot is
        // that run's (running, exit code 0), not the failed one's, and saying so keeps it from contradicting the header.
        if let started = inspect[path: "State.StartedAt"]?.stringValue.flatMap(Timestamp.unixNanos(rfc3339:)), started > context.incident.lastNanos {
            state += " (inspected after it was started again: the next run's state)"
        }
        var lines = [state]
        if let error = inspect[path: "State.Error"]?.description, !error.isEmpty { lines.append("error        \(error)") }
        return lines
    }

    /// `memory       ▂▃▅▆█ 2.3MiB → peak 14.3MiB of a 32MiB limit (5 samples)`.
    private func memoryLine() -> String? {
        let samples = evidence.samples.filter { $0.timeNanos <= context.incident.lastNanos }.suffix(40)
        guard let first = samples.first, let last = samples.last else { return nil }
        let limit = Double(last.memoryLimitBytes)
        let blocks = Array("▁▂▃▄▅▆▇█")
        let spark = String(samples.map { sample -> Character in
            let ratio = limit > 0 ? Double(sample.memoryWorkingSetBytes) / limit : 0
            return blocks[min(blocks.count - 1, max(0, Int(ratio * Double(blocks.count))))]
        })
        let peak = Double(samples.map(\.memoryWorkingSetBytes).max() ?? 0)
        // Without `--memory` the cgroup's limit is the host's memory: say so rather than call it the container's limit.
        let limited = (context.inspect?[path: "HostConfig.Memory"]?.numberValue ?? 0) > 0
        let bound = limited ? "of a \(Units.bytes(limit)) limit" : "with no memory limit (the host has \(Units.bytes(limit)))"
        return "memory       \(spark) \(Units.bytes(Double(first.memoryWorkingSetBytes))) → peak \(Units.bytes(peak)) \(bound) (\(samples.count) sample\(samples.count == 1 ? "" : "s"))"
    }

    /// Events of the window with times relative to the first failure; repeats of one event are folded (`×22`),
    /// and `exec_*` events (health-check probes, `docker exec`) are counted rather than listed.
    private func timeline() -> [String] {
        var rows: [(time: Int64, title: String, details: String, count: Int)] = []
        let execs = evidence.events.filter { $0.kind == .engine && ($0.action ?? "").hasPrefix("exec_") }
        for event in evidence.events where event.kind != .engineInfo && !(event.kind == .engine && (event.action ?? "").hasPrefix("exec_")) {
            let title = EventDescription.title(event)
            let details = EventDescription.details(event, among: evidence.events)
            if let last = rows.last, last.title == title, last.details == details, event.timeNanos - last.time < 1_000_000_000 {
                rows[rows.count - 1].count += 1
                continue
            }
            rows.append((event.timeNanos, title, details, 1))
        }
        let execNote = execs.isEmpty ? [] : ["(\(execs.count) exec events — health-check probes or docker exec — not shown; `blackbox events` lists them)"]
        return execNote + rows.map { row in
            let offset = Double(row.time - incident.openedNanos)
            let sign = offset < 0 ? "-" : "+"
            let relative = sign + Units.span(nanos: abs(offset))
            let repeats = row.count > 1 ? " ×\(row.count)" : ""
            return relative.padding(toLength: 9, withPad: " ", startingAt: 0) + row.title + repeats + (row.details.isEmpty ? "" : "  " + EventDescription.clipped(row.details, to: 160))
        }
    }

    /// `text` in lines of at most `width` characters, broken between words but never inside a `code span` (a command
    /// broken across lines cannot be pasted); a longer span has a line of its own.
    static func wrap(_ text: String, width: Int = 100) -> [String] {
        var words: [String] = []
        var insideCode = false
        for word in text.split(separator: " ") {
            if insideCode, let last = words.popLast() { words.append(last + " " + word) } else { words.append(String(word)) }
            if word.count(where: { $0 == "`" }) % 2 == 1 { insideCode.toggle() }
        }
        var lines: [String] = []
        var current = ""
        for word in words {
            if current.count + word.count + 1 > width, !current.isEmpty {
                lines.append(current)
                current = ""
            }
            current += current.isEmpty ? String(word) : " " + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
