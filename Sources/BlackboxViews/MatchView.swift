import BlackboxCore
import BlackboxStore

/// One playbook that matched an incident or one of its occurrences: rank 1 is the diagnosis, the others alternatives.
public struct MatchView: Codable, Sendable, Equatable {
    public var rank: Int
    public var playbook: String
    public var title: String
    /// `critical`, `error`, `warning` or `info`.
    public var severity: String
    /// The rendered diagnosis and fix, as `incident show` prints them.
    public var diagnosis: String
    public var fix: String
    /// The evidence values by name (`null` when the stored text is not JSON).
    public var evidence: JSONValue
    /// The occurrence it matched, 1 for the incident's first failure.
    public var occurrence: Int

    public init(_ match: PlaybookMatchRecord) {
        rank = match.rank
        playbook = match.playbookID
        title = match.title
        severity = match.severity
        diagnosis = match.diagnosis
        fix = match.fix
        evidence = JSONValue.parse(match.evidence) ?? .null
        occurrence = match.occurrence
    }
}
