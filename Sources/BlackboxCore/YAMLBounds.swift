import Yams

/// YAML read with its size bounded: a file's bytes, its nesting, and the nodes it holds once its aliases are
/// expanded. A 900-byte "billion laughs" document (anchors whose aliases repeat each other) holds 10⁹ nodes once
/// walked; every reader of a composed tree walks it, so the bound is checked before any reader sees the tree.
/// Playbooks and compose files are read through ``compose(_:maximumBytes:maximumNodes:)``.
public enum YAMLBounds {
    /// The most nodes a playbook may hold, aliases expanded (100 000; the shipped ones hold about a hundred).
    public static let maximumPlaybookNodes = 100_000
    /// The most nodes a compose file may hold, aliases expanded (1 000 000; a project of a hundred services holds a few
    /// thousand).
    public static let maximumComposeNodes = 1_000_000
    /// The deepest nesting of collections accepted (every reader of the tree recurses once per level; libyaml itself
    /// refuses more than 1000 levels, before Yams' composer would recurse that deep).
    public static let maximumDepth = 256

    /// Why a document was not read.
    public struct Refused: Error, Sendable, Equatable, CustomStringConvertible {
        /// 1-based; 0 for the whole document.
        public var line: Int
        public var reason: String

        public var description: String { reason }
    }

    /// Composes one document, refusing it when it is over `maximumBytes`, nested deeper than ``maximumDepth``, or holds
    /// more than `maximumNodes` nodes with its aliases expanded.
    ///
    /// - Throws: ``Refused`` for a bound; Yams' `YamlError` for text that is not YAML.
    public static func compose(_ yaml: String, maximumBytes: Int, maximumNodes: Int) throws -> Node? {
        let size = yaml.utf8.count
        guard size <= maximumBytes else {
            throw Refused(line: 0, reason: "the file is \(size) bytes, over the \(Units.bytes(Int64(maximumBytes))) bound")
        }
        guard let root = try Yams.compose(yaml: yaml) else { return nil }
        switch measure(root, maximumNodes: maximumNodes) {
        case .tooMany:
            throw Refused(line: 0, reason: "holds more than \(maximumNodes) values once its aliases (*name) are expanded: refused as an alias bomb")
        case .tooDeep(let line):
            throw Refused(line: line, reason: "nested deeper than \(maximumDepth) levels")
        case .fits:
            return root
        }
    }

    enum Measure: Equatable {
        case fits
        case tooMany
        /// The line of the first node too deep.
        case tooDeep(line: Int)
    }

    /// Whether `root` holds at most `maximumNodes` nodes, aliases expanded, none deeper than ``maximumDepth``: a
    /// walk without recursion that stops at the bound, so it costs at most that many steps whatever the document.
    static func measure(_ root: Node, maximumNodes: Int) -> Measure {
        var pending = [(root, 0)]
        var count = 0
        while let (node, depth) = pending.popLast() {
            count += 1
            if count > maximumNodes { return .tooMany }
            if depth > maximumDepth { return .tooDeep(line: node.mark?.line ?? 0) }
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    pending.append((key, depth + 1))
                    pending.append((value, depth + 1))
                }
            case .sequence(let sequence):
                pending.append(contentsOf: sequence.map { ($0, depth + 1) })
            case .scalar, .alias:
                break
            }
        }
        return .fits
    }
}
