import Yams

extension YamlError {
    /// The 1-based line the YAML error is at; 0 when libyaml gave none.
    public var line: Int {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: 0
        }
    }

    /// What is wrong, without the position (`mapping values are not allowed in this context`).
    public var summary: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: String(describing: self)
        }
    }
}
