import BlackboxCore
import Compose

/// One finding of `blackbox check` (`check --json`): a compose setting that is known to fail, where it is written,
/// with the values it was judged on and the fix.
public struct FindingView: Codable, Sendable, Equatable {
    /// `error`, `warning` or `info`.
    public var severity: String
    /// The check's id (`port-conflict`, `memory-limit`, …).
    public var check: String
    public var service: String?
    /// The compose file and line the finding is about (line 0: the file as a whole).
    public var file: String
    public var line: Int
    public var message: String
    /// The values the check used, by name (`_bytes`: bytes, `_ns`: Unix nanoseconds, `_pct`: percent); null when unknown.
    public var evidence: [String: JSONValue]
    public var fix: String?

    public init(_ finding: Finding) {
        severity = finding.severity.rawValue
        check = finding.check
        service = finding.service
        file = finding.location.file
        line = finding.location.line
        message = finding.message
        evidence = Dictionary(
            finding.evidence.map { evidence -> (String, JSONValue) in
                switch evidence.value {
                case .integer(let value): (evidence.name, .integer(value))
                case .number(let value): (evidence.name, .number(value))
                case .text(let text): (evidence.name, .string(text))
                case .list(let items): (evidence.name, .array(items.map(JSONValue.string)))
                case .none: (evidence.name, .null)
                }
            }, uniquingKeysWith: { $1 })
        fix = finding.fix
    }
}
