/// Compose's variable interpolation in a string: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
/// `${VAR:?error}`, `${VAR?error}`, `${VAR:+replacement}`, `${VAR+replacement}`; `$$` is a literal `$`.
/// Defaults may themselves hold references.
///
/// In a compose file (``interpolate(_:at:strict:)`` with `strict`), any other `$` is refused as compose refuses it
/// (compose-go `template/template.go`: a `$` followed by neither `$`, a name nor a well-formed `${…}`; "invalid
/// interpolation format … You may need to escape any $ with another $"): a `${` without its `}`, `${}`, `${1}`,
/// `${A:B}`, `$1`, a trailing `$`. One problem per value, at its line; the value is kept as written from there on.
/// Values from `env_file`s are read as compose's dotenv reads them, leniently.
struct Interpolator {
    /// The shell's environment over the project's `.env`.
    let variables: [String: String]
    /// References that had no value, in the order met.
    private(set) var unset: [ComposeProject.UnsetVariable] = []
    /// Text compose refuses to interpolate ("invalid interpolation format"), defaults nested deeper than ``maximumNesting``.
    private(set) var problems: [ComposeProblem] = []

    /// The deepest `${A:-${B:-…}}` nesting interpolated (each level is a recursion).
    static let maximumNesting = 32

    init(variables: [String: String]) {
        self.variables = variables
    }

    /// Whether `text` refers to any variable.
    static func hasReference(_ text: String) -> Bool {
        text.replacingOccurrences(of: "$$", with: "").contains("$")
    }

    /// `text` with its references replaced.
    ///
    /// - Parameter strict: refuse what compose refuses in a compose file; false for an `env_file` value, where a `$`
    ///   that starts no reference is kept as it is.
    mutating func interpolate(_ text: String, at location: ComposeLocation, strict: Bool = true) -> String {
        interpolate(text, at: location, depth: 0, strict: strict)
    }

    private mutating func refuse(_ reason: String, at location: ComposeLocation) {
        problems.append(ComposeProblem("invalid interpolation format: \(reason) (compose refuses the file; write $$ for a literal $)", at: location))
    }

    private static func isNameStart(_ character: Character) -> Bool {
        character == "_" || character.isASCII && character.isLetter
    }

    private mutating func interpolate(_ text: String, at location: ComposeLocation, depth: Int, strict: Bool) -> String {
        guard text.contains("$") else { return text }
        guard depth <= Self.maximumNesting else {
            problems.append(ComposeProblem("variable defaults nested deeper than \(Self.maximumNesting) levels are not interpolated", at: location))
            return text
        }
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "$" else {
                output.append(character)
                index = text.index(after: index)
                continue
            }
            let next = text.index(after: index)
            guard next < text.endIndex else {
                if strict { refuse("a $ at the end of a value", at: location) }
                output.append("$")
                break
            }
            if text[next] == "$" {
                output.append("$")
                index = text.index(after: next)
            } else if text[next] == "{" {
                guard let close = Self.closingBrace(in: text, from: next) else {
                    // The rest is kept as it is, scanned once.
                    if strict { refuse("a ${ without its closing }", at: location) }
                    output += text[index...]
                    break
                }
                guard let expanded = expand(String(text[text.index(after: next)..<close]), at: location, depth: depth, strict: strict) else {
                    output += text[index...]
                    break
                }
                output += expanded
                index = text.index(after: close)
            } else {
                let name = text[next...].prefix { $0 == "_" || $0.isASCII && ($0.isLetter || $0.isNumber) }
                guard let first = name.first, Self.isNameStart(first) else {
                    if strict {
                        refuse("a $ followed by neither a variable name, { nor $", at: location)
                        output += text[index...]
                        break
                    }
                    output.append("$")
                    index = next
                    continue
                }
                output += value(of: String(name), at: location)
                index = text.index(next, offsetBy: name.count)
            }
        }
        return output
    }

    /// `VAR`, `VAR:-default`, … (the text between the braces); nil when compose refuses it (strict).
    private mutating func expand(_ body: String, at location: ComposeLocation, depth: Int, strict: Bool) -> String? {
        let name = String(body.prefix { $0 == "_" || $0.isASCII && ($0.isLetter || $0.isNumber) })
        let rest = body.dropFirst(name.count)
        let operators = [(":-", true), ("-", false), (":?", true), ("?", false), (":+", true), ("+", false)]
        if strict, name.first.map(Self.isNameStart) != true || !rest.isEmpty && !operators.contains(where: { rest.hasPrefix($0.0) }) {
            refuse("${…} must hold a variable name, optionally followed by :-, -, :?, ?, :+ or +", at: location)
            return nil
        }
        let current = variables[name]
        for (operator_, emptyCounts) in operators {
            guard rest.hasPrefix(operator_) else { continue }
            let argument = String(rest.dropFirst(operator_.count))
            let missing = current == nil || (emptyCounts && current == "")
            switch operator_.last {
            case "-":
                return missing ? interpolate(argument, at: location, depth: depth + 1, strict: strict) : current ?? ""
            case "?":
                if missing { unset.append(.init(name: name, message: argument.isEmpty ? nil : argument, location: location)) }
                return current ?? ""
            default:
                return missing ? "" : interpolate(argument, at: location, depth: depth + 1, strict: strict)
            }
        }
        return value(of: name, at: location)
    }

    private mutating func value(of name: String, at location: ComposeLocation) -> String {
        guard let value = variables[name] else {
            unset.append(.init(name: name, message: nil, location: location))
            return ""
        }
        return value
    }

    /// The `}` that closes the `{` at `open`, counting nested `${…}`.
    private static func closingBrace(in text: String, from open: String.Index) -> String.Index? {
        var depth = 0
        var index = open
        while index < text.endIndex {
            switch text[index] {
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
            index = text.index(after: index)
        }
        return nil
    }
}
