import Playbooks

/// A playbook as `playbook list --json` lists it.
public struct PlaybookView: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    /// The failure class (`start`, `crash`, `resource`, `health`, `network`, `storage`, `dependency`, `stop`), `other`
    /// when it names none.
    public var failureClass: String
    /// `critical`, `error`, `warning` or `info`.
    public var severity: String
    /// Whether it knows only the failure's shape (ranked after every playbook that knows a cause).
    public var fallback: Bool
    /// Where it was loaded from (`built-in`, or its file) and the public reports it was written from.
    public var source: String
    public var sources: [String]
    /// How many facts its match is made of (its leaf predicates).
    public var specificity: Int

    enum CodingKeys: String, CodingKey {
        case id, title, severity, fallback, source, sources, specificity
        case failureClass = "class"
    }

    public init(_ playbook: Playbook) {
        id = playbook.id
        title = playbook.title
        failureClass = playbook.failureClass?.rawValue ?? "other"
        severity = playbook.severity.rawValue
        fallback = playbook.fallback
        source = playbook.source
        sources = playbook.sources
        specificity = playbook.specificity
    }
}
