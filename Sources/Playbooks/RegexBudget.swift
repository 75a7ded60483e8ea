/// Which regular expressions a playbook may use: those a backtracking engine (ICU, behind `NSRegularExpression`)
/// runs in time polynomial in the line's length. Log lines are at most 8 KiB, so such a pattern is bounded per line.
///
/// Refused, as the patterns that backtrack exponentially on a line that almost matches:
/// - a quantified group (`*`, `+`, `{n,}`, or `{n,m}` with m > 16) whose content has an unbounded quantifier:
///   `(a+)+`, `(.*)*`, `(\w+\s?)*`, `(?:x*y)+`;
/// - a quantified group whose alternatives can start with the same character: `(a|aa)+`, `(\d|1)*`, `(.|x)+`
///   (a character class or `.` counts as every character; write one class instead, `[ab]+`).
/// Atomic groups `(?>…)` and possessive quantifiers (`*+`, `++`) never backtrack and are always allowed.
public enum RegexBudget {
    /// Why `pattern` can backtrack catastrophically, nil when it cannot (by the rules above). Patterns this reader
    /// does not follow (an unbalanced parenthesis) are left to `NSRegularExpression` to reject.
    public static func problem(_ pattern: String) -> String? {
        var reader = Reader(characters: Array(pattern))
        guard let root = reader.alternation(), reader.index == reader.characters.count else { return nil }
        return check(root)
    }

    /// The most repetitions of a group whose content has an unbounded quantifier: `(\d+\.){3}` is fine.
    static let boundedRepetitions = 16

    indirect enum Atom {
        /// One character: a literal (lower-cased), or nil for any of several (`.`, a class, `\w`, `\d`, …).
        case character(Character?)
        /// `(…)`: its alternatives, each a sequence; `atomic` for `(?>…)`.
        case group([[Item]], atomic: Bool)
        /// `^`, `$`, `\b`, a look-around, an inline flag group `(?i)`: matches no character.
        case empty
    }

    struct Item {
        var atom: Atom
        var minimum: Int
        /// nil: unbounded.
        var maximum: Int?
        var possessive: Bool

        var repeats: Bool { maximum.map { $0 > 1 } ?? true }
    }

    private static func check(_ alternatives: [[Item]]) -> String? {
        for sequence in alternatives {
            for item in sequence {
                guard case .group(let inner, let atomic) = item.atom else { continue }
                if let problem = check(inner) { return problem }
                guard !atomic, !item.possessive, item.maximum.map({ $0 > boundedRepetitions }) ?? true else { continue }
                if containsUnbounded(inner) {
                    return "a repeated group holds an unbounded quantifier (nested quantifiers such as (a+)+ or (.*)* "
                        + "backtrack exponentially on a line that almost matches); quantify once, e.g. a+ or [ab]*"
                }
                if alternativesOverlap(inner) {
                    return "a repeated group has alternatives that can start with the same character (such as (a|aa)+, "
                        + "which backtracks exponentially); make them start differently or use one character class"
                }
            }
        }
        return nil
    }

    private static func containsUnbounded(_ alternatives: [[Item]]) -> Bool {
        alternatives.contains { sequence in
            sequence.contains { item in
                if case .group(let inner, _) = item.atom, containsUnbounded(inner) { return true }
                if case .empty = item.atom { return false }
                if item.possessive { return false }
                return item.maximum == nil || item.maximum.map { $0 > boundedRepetitions } == true
            }
        }
    }

    private static func alternativesOverlap(_ alternatives: [[Item]]) -> Bool {
        guard alternatives.count > 1 else { return false }
        var seen: Set<Character> = []
        for sequence in alternatives {
            guard let first = firstCharacters(sequence) else { return true }
            for character in first {
                guard let character else { return true }
                if !seen.insert(character).inserted { return true }
            }
        }
        return false
    }

    /// The characters a sequence can start with (nil element: any), nil when it can match the empty string.
    private static func firstCharacters(_ sequence: [Item]) -> [Character?]? {
        var result: [Character?] = []
        for item in sequence {
            switch item.atom {
            case .empty:
                continue
            case .character(let character):
                result.append(character)
            case .group(let inner, _):
                for alternative in inner {
                    guard let first = firstCharacters(alternative) else { return nil }
                    result += first
                }
            }
            if item.minimum > 0 { return result }
        }
        return nil
    }

    /// A recursive-descent reader of the ICU syntax, only as far as groups, alternation and quantifiers go.
    struct Reader {
        let characters: [Character]
        var index = 0

        private var current: Character? { index < characters.count ? characters[index] : nil }

        mutating func alternation() -> [[Item]]? {
            var alternatives: [[Item]] = [[]]
            while let character = current {
                switch character {
                case "|":
                    index += 1
                    alternatives.append([])
                case ")":
                    return alternatives
                default:
                    guard let atom = atom() else { return nil }
                    let (minimum, maximum, possessive) = quantifier()
                    alternatives[alternatives.count - 1].append(Item(atom: atom, minimum: minimum, maximum: maximum, possessive: possessive))
                }
            }
            return alternatives
        }

        private mutating func atom() -> Atom? {
            guard let character = current else { return nil }
            index += 1
            switch character {
            case "(":
                var atomic = false
                var empty = false
                if current == "?" {
                    index += 1
                    switch current {
                    case ">": atomic = true; index += 1
                    case ":": index += 1
                    case "=", "!": empty = true; index += 1
                    case "<" where index + 1 < characters.count && (characters[index + 1] == "=" || characters[index + 1] == "!"):
                        empty = true
                        index += 2
                    case "<", "P":
                        while let next = current, next != ">" { index += 1 }
                        index += 1
                    default:
                        // Inline flags: `(?i)` matches nothing; `(?i:…)` is a group.
                        while let next = current, next != ")" && next != ":" { index += 1 }
                        if current == ")" {
                            index += 1
                            return .empty
                        }
                        index += 1
                    }
                }
                guard let inner = alternation(), current == ")" else { return nil }
                index += 1
                return empty ? .empty : .group(inner, atomic: atomic)
            case "[":
                if current == "^" { index += 1 }
                if current == "]" { index += 1 }
                var depth = 1
                while let next = current, depth > 0 {
                    index += 1
                    if next == "\\" {
                        index += 1
                    } else if next == "[" {
                        depth += 1
                    } else if next == "]" {
                        depth -= 1
                    }
                }
                return .character(nil)
            case "\\":
                guard let escaped = current else { return nil }
                index += 1
                if "bBAzZG".contains(escaped) { return .empty }
                if escaped == "Q" {
                    while index < characters.count, !(characters[index] == "\\" && index + 1 < characters.count && characters[index + 1] == "E") { index += 1 }
                    index = min(characters.count, index + 2)
                    return .character(nil)
                }
                if "pPxuN".contains(escaped), current == "{" {
                    while let next = current, next != "}" { index += 1 }
                    index += 1
                }
                return escaped.isLetter || escaped.isNumber ? .character(nil) : .character(escaped)
            case "^", "$":
                return .empty
            case ".":
                return .character(nil)
            default:
                return .character(Character(character.lowercased()))
            }
        }

        private mutating func quantifier() -> (Int, Int?, Bool) {
            var minimum = 1
            var maximum: Int? = 1
            switch current {
            case "*": (minimum, maximum) = (0, nil); index += 1
            case "+": (minimum, maximum) = (1, nil); index += 1
            case "?": (minimum, maximum) = (0, 1); index += 1
            case "{":
                var end = index + 1
                while end < characters.count, characters[end].isNumber || characters[end] == "," { end += 1 }
                guard end < characters.count, characters[end] == "}" else { return (1, 1, false) }
                let parts = String(characters[(index + 1)..<end]).split(separator: ",", omittingEmptySubsequences: false)
                guard let low = Int(parts.first ?? "") else { return (1, 1, false) }
                minimum = low
                maximum = parts.count == 1 ? low : Int(parts[1])
                index = end + 1
            default:
                return (1, 1, false)
            }
            var possessive = false
            if current == "?" {
                index += 1
            } else if current == "+" {
                possessive = true
                index += 1
            }
            return (minimum, maximum, possessive)
        }
    }
}
