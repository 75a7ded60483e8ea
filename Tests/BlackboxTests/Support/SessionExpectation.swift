import Foundation

/// What the reporter of a recorded failure would call right: `Sessions/SCENARIO.expected.json`.
///
/// Shape: `{"reported_as": "…", "containers": {"NAME": {"incidents": [INCIDENT…]}}}`; a container listed with
/// `"incidents": []` must have none (a deliberate `docker rm -f` or `docker kill` is no failure). INCIDENT holds
/// the diagnosis keys of ``DiagnosisExpectation`` — they apply to the incident's diagnosis (`playbook` and the first
/// of `matches` at the top of `incident show --json`) and to its first occurrence's (`occurrence_diagnoses[0]`) —
/// plus `occurrences` (exact) or `min_occurrences`, `header_contains` (the text before the first blank line of
/// `incident show`, without its first line), `text_contains` (anywhere in it), `each_occurrence` (diagnosis keys every occurrence must meet)
/// and `first_occurrence` (diagnosis keys for occurrence 1 instead of the incident's, where they differ: a restart loop
/// is the incident's diagnosis, not that of its first failure alone).
struct SessionExpectation: Decodable {
    var reportedAs: String?
    var containers: [String: ContainerExpectation]

    enum CodingKeys: String, CodingKey {
        case reportedAs = "reported_as"
        case containers
    }

    struct ContainerExpectation: Decodable {
        var incidents: [IncidentExpectation]
    }

    struct IncidentExpectation: Decodable {
        var diagnosis: DiagnosisExpectation
        var occurrences: Int?
        var minOccurrences: Int?
        var headerContains: [String]
        var textContains: [String]
        var eachOccurrence: DiagnosisExpectation?
        var firstOccurrence: DiagnosisExpectation?

        enum CodingKeys: String, CodingKey {
            case occurrences
            case minOccurrences = "min_occurrences"
            case headerContains = "header_contains"
            case textContains = "text_contains"
            case eachOccurrence = "each_occurrence"
            case firstOccurrence = "first_occurrence"
        }

        init(from decoder: Decoder) throws {
            diagnosis = try DiagnosisExpectation(from: decoder)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            occurrences = try container.decodeIfPresent(Int.self, forKey: .occurrences)
            minOccurrences = try container.decodeIfPresent(Int.self, forKey: .minOccurrences)
            headerContains = try container.decodeIfPresent([String].self, forKey: .headerContains) ?? []
            textContains = try container.decodeIfPresent([String].self, forKey: .textContains) ?? []
            eachOccurrence = try container.decodeIfPresent(DiagnosisExpectation.self, forKey: .eachOccurrence)
            firstOccurrence = try container.decodeIfPresent(DiagnosisExpectation.self, forKey: .firstOccurrence)
        }

        /// What differs between this expectation and the incident blackbox showed; empty when it is right.
        func differences(_ observed: ObservedIncident) -> [String] {
            var found: [String] = []
            if let occurrences, observed.occurrences != occurrences {
                found.append("has \(observed.occurrences) occurrence(s), expected \(occurrences)")
            }
            if let minOccurrences, observed.occurrences < minOccurrences {
                found.append("has \(observed.occurrences) occurrence(s), expected at least \(minOccurrences)")
            }
            found += diagnosis.differences(observed.diagnosis).map { "diagnosis: \($0)" }
            if let occurrenceDiagnoses = observed.occurrenceDiagnoses {
                if let first = occurrenceDiagnoses.first {
                    found += (firstOccurrence ?? diagnosis).differences(first).map { "occurrence 1: \($0)" }
                } else {
                    found.append("occurrence_diagnoses is empty")
                }
                if let eachOccurrence {
                    for (index, occurrence) in occurrenceDiagnoses.enumerated() {
                        found += eachOccurrence.differences(occurrence).map { "occurrence \(index + 1): \($0)" }
                    }
                }
                if occurrenceDiagnoses.count != observed.occurrences {
                    found.append("occurrence_diagnoses lists \(occurrenceDiagnoses.count) occurrence(s), the incident has \(observed.occurrences)")
                }
            } else {
                found.append("`incident show --json` has no occurrence_diagnoses")
            }
            for part in headerContains where !observed.header.contains(part) {
                found.append("the header lacks \(quoted(part)):\n\(indented(observed.header))")
            }
            for part in textContains where !observed.text.contains(part) {
                found.append("`incident show` lacks \(quoted(part))")
            }
            return found
        }
    }
}

/// The diagnosis keys: `playbook` (an id, or `"none"` for no playbook matched), `playbook_not` (ids it must not be),
/// `diagnosis_contains`, `diagnosis_excludes`, `fix_contains`, `fix_excludes` (substrings of the rendered text) and
/// `evidence` (`{"name": "substring of its value"}`; a value that is not a string is compared as its JSON text).
struct DiagnosisExpectation: Decodable {
    var playbook: String?
    var playbookNot: [String]
    var diagnosisContains: [String]
    var diagnosisExcludes: [String]
    var fixContains: [String]
    var fixExcludes: [String]
    var evidence: [String: String]

    enum CodingKeys: String, CodingKey {
        case playbook
        case playbookNot = "playbook_not"
        case diagnosisContains = "diagnosis_contains"
        case diagnosisExcludes = "diagnosis_excludes"
        case fixContains = "fix_contains"
        case fixExcludes = "fix_excludes"
        case evidence
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        playbook = try container.decodeIfPresent(String.self, forKey: .playbook)
        playbookNot = try container.decodeIfPresent([String].self, forKey: .playbookNot) ?? []
        diagnosisContains = try container.decodeIfPresent([String].self, forKey: .diagnosisContains) ?? []
        diagnosisExcludes = try container.decodeIfPresent([String].self, forKey: .diagnosisExcludes) ?? []
        fixContains = try container.decodeIfPresent([String].self, forKey: .fixContains) ?? []
        fixExcludes = try container.decodeIfPresent([String].self, forKey: .fixExcludes) ?? []
        evidence = try container.decodeIfPresent([String: String].self, forKey: .evidence) ?? [:]
    }

    func differences(_ observed: ObservedDiagnosis) -> [String] {
        var found: [String] = []
        let shown = observed.playbook ?? "none"
        if let playbook, shown != playbook {
            found.append("playbook is \(shown), expected \(playbook)\(observed.playbook == nil ? "" : " (it says: \(quoted(observed.diagnosis)))")")
        }
        if playbookNot.contains(shown) { found.append("playbook is \(shown), which is the symptom, not the cause") }
        guard observed.playbook != nil else { return found }
        for part in diagnosisContains where !observed.diagnosis.contains(part) {
            found.append("the diagnosis lacks \(quoted(part)): \(quoted(observed.diagnosis))")
        }
        for part in diagnosisExcludes where observed.diagnosis.contains(part) {
            found.append("the diagnosis says \(quoted(part)): \(quoted(observed.diagnosis))")
        }
        for part in fixContains where !observed.fix.contains(part) {
            found.append("the fix lacks \(quoted(part)): \(quoted(observed.fix))")
        }
        for part in fixExcludes where observed.fix.contains(part) {
            found.append("the fix says \(quoted(part)): \(quoted(observed.fix))")
        }
        for (name, part) in evidence.sorted(by: { $0.key < $1.key }) {
            guard let value = observed.evidence[name] else {
                found.append("the evidence has no \(name) (it has \(observed.evidence.keys.sorted().joined(separator: ", ")))")
                continue
            }
            if !value.contains(part) { found.append("evidence \(name) is \(quoted(value)), expected it to contain \(quoted(part))") }
        }
        return found
    }
}

/// One diagnosis as `incident show --json` gives it: its best match, or no match; every match's texts.
struct ObservedDiagnosis {
    var playbook: String?
    var diagnosis: String
    var fix: String
    /// Evidence values as text: strings as they are, other values as JSON.
    var evidence: [String: String]
    /// The diagnosis and fix of every match (the best and the alternatives), for the check for "unknown".
    var texts: [String]

    /// From a `matches` array (`[{"playbook", "diagnosis", "fix", "evidence"}]`, best first).
    init(playbook: String?, matches: [[String: Any]]) {
        let best = matches.first
        self.playbook = playbook ?? (best?["playbook"] as? String)
        diagnosis = best?["diagnosis"] as? String ?? ""
        fix = best?["fix"] as? String ?? ""
        let values = best?["evidence"] as? [String: Any] ?? [:]
        evidence = values.mapValues(Self.text)
        texts = matches.flatMap { [$0["diagnosis"] as? String ?? "", $0["fix"] as? String ?? ""] }
    }

    static func text(_ value: Any) -> String {
        if let string = value as? String { return string }
        guard let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "\(value)"
        }
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}

/// One incident as blackbox shows it: `incident show ID --json` (the object) and `incident show ID` (the text).
struct ObservedIncident {
    var id: Int
    var occurrences: Int
    var diagnosis: ObservedDiagnosis
    /// `occurrence_diagnoses`, one per occurrence; nil when the JSON has no such key.
    var occurrenceDiagnoses: [ObservedDiagnosis]?
    var text: String
    var containerName: String?
    /// The texts of the incident's last log lines (`log_tail`): the container's words, which may say "unknown".
    var logLines: [String]

    init(json object: [String: Any], text: String) {
        id = object["id"] as? Int ?? 0
        containerName = object["container_name"] as? String
        logLines = (object["log_tail"] as? [[String: Any]] ?? []).compactMap { ($0["text"] as? String)?.trimmingCharacters(in: .whitespaces) }
        occurrences = object["occurrences"] as? Int ?? 0
        diagnosis = ObservedDiagnosis(playbook: object["playbook"] as? String, matches: object["matches"] as? [[String: Any]] ?? [])
        occurrenceDiagnoses = (object["occurrence_diagnoses"] as? [[String: Any]])?.map { occurrence in
            ObservedDiagnosis(playbook: occurrence["playbook"] as? String, matches: occurrence["matches"] as? [[String: Any]] ?? [])
        }
        self.text = text
    }

    /// The report's header (image, when, had run for, exit code, trigger, loop…): its first block without the line
    /// that names the incident and the container.
    var header: String {
        (text.components(separatedBy: "\n\n").first ?? text).split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
            .joined(separator: "\n")
    }

    /// The engine's own error (`State.Error`), as the report's `error` line shows it; quoted text may say "unknown".
    var engineError: String? {
        text.split(separator: "\n").first { $0.hasPrefix("  error        ") }.map { String($0.dropFirst("  error        ".count)) }
    }

    /// Every rendered diagnosis or fix, of the incident and of each occurrence, that says "unknown" outside the
    /// engine's own words, the container's name and the log lines it quotes (`x509: certificate signed by unknown
    /// authority`).
    var unknowns: [String] {
        let texts = diagnosis.texts + (occurrenceDiagnoses ?? []).flatMap(\.texts)
        let quoted = [engineError, containerName].compactMap { $0 } + logLines
        return Array(Set(texts.filter { Self.saysUnknown($0, quoting: quoted) })).sorted()
    }

    /// Whether the text says "unknown" outside the `quoted` texts (the engine's error, the container's name).
    static func saysUnknown(_ text: String, quoting quoted: [String]) -> Bool {
        var text = text
        for quote in quoted where !quote.isEmpty { text = text.replacingOccurrences(of: quote, with: "") }
        // An occurrence's own engine error (a refused start after a run) is quoted at the end of its text.
        text = text.replacingOccurrences(of: #"Engine error: .*$"#, with: "", options: .regularExpression)
        // A part of a quoted text (a log line's capture: `[emerg] unknown directive "add" in …`) is quoted too.
        var searched = text.startIndex
        while let found = text.range(of: #"\bunknown\b"#, options: [.regularExpression, .caseInsensitive], range: searched..<text.endIndex) {
            // The word and what follows it, long enough to be told apart from a name that merely holds the word.
            guard let end = text.index(found.lowerBound, offsetBy: 24, limitedBy: text.endIndex) else { return true }
            if !quoted.contains(where: { $0.contains(text[found.lowerBound..<end]) }) { return true }
            searched = found.upperBound
        }
        return false
    }
}

private func quoted(_ text: String) -> String { "“\(text)”" }

private func indented(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n")
}
