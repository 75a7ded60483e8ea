import Yams

extension YamlError {
    /// The 1-based line the YAML error is at; 0 when libyaml gave none. For a duplicated key, the line of the mapping
    /// that holds it (``line(in:)`` finds the duplicate's own line).
    public var line: Int {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        case .duplicatedKeysInMapping(_, let context): context.mark.line
        default: 0
        }
    }

    /// The 1-based line of the error in `yaml`, the text that was parsed: for a duplicated key, the line of its second
    /// occurrence in its block mapping (the mapping's own line for a flow mapping, `{a: 1, a: 2}`); else ``line``.
    public func line(in yaml: String) -> Int {
        guard case .duplicatedKeysInMapping(let duplicates, let context) = self, context.mark.line >= 1 else { return line }
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        let start = context.mark.line - 1, indent = max(0, context.mark.column - 1)
        // libyaml counts a lone CR as a line break; these lines do not: a mark past them has no line here.
        guard start < lines.count else { return line }
        var seen: Set<String> = []
        for index in start..<lines.count {
            let text = lines[index]
            let leading = index == start ? indent : text.prefix { $0 == " " }.count
            let content = text.dropFirst(min(leading, text.count))
            if index > start, leading < indent, !content.isEmpty, !content.hasPrefix("#") { break }
            guard leading == indent else { continue }
            for key in duplicates where [key + ":", "\"\(key)\":", "'\(key)':"].contains(where: { content.hasPrefix($0) }) {
                if !seen.insert(key).inserted { return index + 1 }
            }
        }
        return line
    }

    /// What is wrong, without the position (`mapping values are not allowed in this context`, `duplicate key 'id'`).
    public var summary: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        case .duplicatedKeysInMapping(let duplicates, _):
            "duplicate key \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")) in a mapping (each key may appear once)"
        default: String(describing: self)
        }
    }
}
