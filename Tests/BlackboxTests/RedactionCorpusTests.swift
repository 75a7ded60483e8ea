import BlackboxStore
import DockerEngine
import Foundation
import Testing

/// The redactor judged both ways on two checked-in corpora (`Fixtures/redaction/`): every secret of `secrets.jsonl`
/// (env, labels, command lines, `docker exec` actions, log lines and tails, export-format lines) is gone, and no line
/// of `evidence.jsonl` (real error lines from public bug reports and the session fixtures) changes.
@Suite struct RedactionCorpusTests {
    let redactor = CredentialRedactor()

    /// One corpus line: where it is found, its text (or argument vector, or log lines), and for the secrets corpus
    /// the values that must be gone and, for some, the exact output.
    struct Case: Decodable {
        var `where`: String
        var input: String?
        var args: [String]?
        var lines: [String]?
        var secrets: [String]?
        var expected: Expected?
        var source: String?

        enum Expected: Decodable, Equatable {
            case text(String)
            case list([String])
            init(from decoder: Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let text = try? container.decode(String.self) { self = .text(text) } else { self = .list(try container.decode([String].self)) }
            }
        }
    }

    static func corpus(_ name: String) throws -> [Case] {
        try Fixtures.bytes("redaction/\(name)").split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(Case.self, from: Data($0)) }
    }

    /// The corpus line as blackbox stores it, through the path that line takes in the recorder or in `import`.
    func redacted(_ item: Case) throws -> Case.Expected {
        let input = item.input ?? ""
        switch item.where {
        case "env":
            return .text(redactor.redactAssignment(input))
        case "label":
            let equals = try #require(input.firstIndex(of: "="))
            let attributes = [String(input[..<equals]): String(input[input.index(after: equals)...])]
            let event = redactor.redact(try Self.event(action: "start", attributes: attributes))
            let (key, value) = try #require(event.attributes.first)
            return .text("\(key)=\(value)" + (event.raw.contains(value) ? "" : " (raw differs)"))
        case "command":
            return .list(redactor.redact(arguments: item.args ?? []))
        case "exec":
            let event = redactor.redact(try Self.event(action: input, attributes: ["name": "web"]))
            return .text(event.action + (event.raw.contains(Self.jsonEscaped(event.action)) ? "" : " (raw differs)"))
        case "log":
            return .text(redactor.redact(input, in: .prose).text)
        case "logtail":
            return .list(redactor.redact(logLines: (item.lines ?? []).map { LogLine(stream: .stdout, timeNanos: nil, text: $0) }).lines.map(\.text))
        case "export":
            guard case .event(let record) = try ImportLine.decode(Array(input.utf8)[...], redactor: redactor) else {
                Issue.record("not an event line: \(input)")
                return .text(input)
            }
            return .text(ExportFormat.line(record))
        default:
            Issue.record("unknown where '\(item.where)'")
            return .text(input)
        }
    }

    static func event(action: String, attributes: [String: String]) throws -> EngineEvent {
        let object: [String: Any] = [
            "Type": "container", "Action": action, "status": action, "id": "c1", "scope": "local", "time": 1, "timeNano": 1_000_000_000,
            "Actor": ["ID": "c1", "Attributes": attributes],
        ]
        return try EngineEvent.decode(line: Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])))
    }

    static func jsonEscaped(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data()
        return String(String(decoding: data, as: UTF8.self).dropFirst(2).dropLast(2))
    }

    static func text(_ output: Case.Expected) -> String {
        switch output {
        case .text(let text): text
        case .list(let list): list.joined(separator: "\n")
        }
    }

    @Test func everySecretIsRedactedAndNoEvidenceLineChanges() throws {
        let secrets = try Self.corpus("secrets.jsonl")
        let evidence = try Self.corpus("evidence.jsonl")
        var redactedLines = 0
        var leakedLines = 0
        var secretValues = 0
        var leakedValues = 0
        for item in secrets {
            let output = try redacted(item)
            let text = Self.text(output)
            let leaked = (item.secrets ?? []).filter { text.contains($0) }
            secretValues += item.secrets?.count ?? 0
            leakedValues += leaked.count
            if leaked.isEmpty { redactedLines += 1 } else { leakedLines += 1 }
            #expect(leaked.isEmpty, "\(item.where): \(leaked) still in \(text)")
            #expect(!text.contains("(raw differs)"), "\(item.where): the raw JSON does not carry the redacted value: \(text)")
            if let expected = item.expected { #expect(output == expected, "\(item.where): \(item.input ?? item.args?.description ?? "")") }
        }
        var changedLines = 0
        for item in evidence {
            let output = try redacted(item)
            let unchanged = Self.text(output) == (item.input ?? "")
            if !unchanged { changedLines += 1 }
            #expect(unchanged, "evidence changed (\(item.source ?? "")): \(item.input ?? "") → \(Self.text(output))")
        }
        let recall = Double(redactedLines) / Double(max(1, secrets.count))
        let precision = Double(redactedLines) / Double(max(1, redactedLines + changedLines))
        print(
            String(
                format: "redaction corpora: secrets %d lines (%d values): %d redacted, %d leaked (%d values); evidence %d lines: %d changed; recall %.1f %%, precision %.1f %%",
                secrets.count, secretValues, redactedLines, leakedLines, leakedValues, evidence.count, changedLines, recall * 100, precision * 100))
        #expect(secrets.count >= 60 && evidence.count >= 80, "the corpora shrank: \(secrets.count) secrets, \(evidence.count) evidence lines")
    }

    @Test func redactingTwiceChangesNothing() throws {
        for item in try Self.corpus("secrets.jsonl") + Self.corpus("evidence.jsonl") {
            let once = try redacted(item)
            var again = item
            switch once {
            case .text(let text) where item.where == "export": again.input = text
            case .text(let text) where item.where == "label" || item.where == "exec" || item.where == "env" || item.where == "log": again.input = text
            case .list(let list) where item.where == "command": again.args = list
            case .list(let list): again.lines = list
            default: continue
            }
            #expect(try redacted(again) == once, "\(item.where): \(Self.text(once))")
        }
    }

    @Test func theRegressionOfIssue16KeepsItsLine() {
        // Stored as `<redacted> … <redacted> such file or directory` before: the one line that explained the crash.
        #expect(redactor.redact("open auth_server.yml: no such file or directory", in: .prose).text == "open auth_server.yml: no such file or directory")
        #expect(redactor.redact("auth_token: t0k-3n", in: .prose).text == "auth_token: <redacted:1-7>")
    }
}
