import BlackboxCore
import Foundation

/// A diagnosis or fix template, parsed: text, `{{name}}` / `{{name|filter}}` placeholders, and sections.
///
/// A section `{{#name}}…{{/name}}` is rendered only when `name` has a value (not missing, null, an empty string or an
/// empty list); an inverted section `{{^name}}…{{/name}}` only when it has none. Sections nest. Text between backticks
/// is a command a reader may paste: ``commandProblems(always:)`` finds the placeholders in commands that can be missing.
public struct Template: Sendable, Equatable {
    public indirect enum Part: Sendable, Equatable {
        case text(String)
        case value(name: String, filter: String?)
        case section(name: String, inverted: Bool, parts: [Part])
    }

    public let parts: [Part]

    /// Why the text is not a well-formed template: a tag that is not `{{name}}`, `{{name|filter}}`, `{{#name}}`,
    /// `{{^name}}` or `{{/name}}`, or a section closed by another name or not at all.
    public struct SyntaxError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    private static let tag = try! NSRegularExpression(pattern: #"\{\{\s*([#^/]?)\s*([a-zA-Z0-9_]+)\s*(?:\|\s*([a-z]+)\s*)?\}\}"#)

    /// Parses `text`.
    ///
    /// - Throws: ``SyntaxError`` when a tag is malformed or the sections do not nest.
    public init(_ text: String) throws {
        var stack: [(name: String, inverted: Bool, parts: [Part])] = [("", false, [])]
        var last = text.startIndex
        let matches = Self.tag.matches(in: text, range: NSRange(text.startIndex..., in: text))
        let opened = text.components(separatedBy: "{{").count - 1
        if opened > matches.count {
            throw SyntaxError(description: "a placeholder is malformed: write {{name}}, {{name|filter}}, {{#name}}…{{/name}} or {{^name}}…{{/name}} (\(opened - matches.count) of \(opened) are not)")
        }
        func append(_ part: Part) {
            if case .text(let new) = part, case .text(let old)? = stack[stack.count - 1].parts.last {
                stack[stack.count - 1].parts[stack[stack.count - 1].parts.count - 1] = .text(old + new)
            } else {
                stack[stack.count - 1].parts.append(part)
            }
        }
        for match in matches {
            guard let whole = Range(match.range, in: text), let nameRange = Range(match.range(at: 2), in: text) else { continue }
            if last < whole.lowerBound { append(.text(String(text[last..<whole.lowerBound]))) }
            last = whole.upperBound
            let sigil = Range(match.range(at: 1), in: text).map { String(text[$0]) } ?? ""
            let name = String(text[nameRange])
            let filter = Range(match.range(at: 3), in: text).map { String(text[$0]) }
            switch sigil {
            case "#", "^":
                if filter != nil { throw SyntaxError(description: "a section tag takes no filter: {{\(sigil)\(name)}}") }
                stack.append((name, sigil == "^", []))
            case "/":
                guard stack.count > 1, stack[stack.count - 1].name == name else {
                    throw SyntaxError(description: "{{/\(name)}} closes no open section" + (stack.count > 1 ? " (the open one is {{\(stack[stack.count - 1].inverted ? "^" : "#")\(stack[stack.count - 1].name)}})" : ""))
                }
                let section = stack.removeLast()
                append(.section(name: section.name, inverted: section.inverted, parts: section.parts))
            default:
                append(.value(name: name, filter: filter))
            }
        }
        if last < text.endIndex { append(.text(String(text[last...]))) }
        guard stack.count == 1 else { throw SyntaxError(description: "the section {{#\(stack[stack.count - 1].name)}} is never closed with {{/\(stack[stack.count - 1].name)}}") }
        parts = stack[0].parts
    }

    /// A template of plain text, with no placeholder.
    public static func literal(_ text: String) -> Template { Template(parts: [.text(text)]) }

    private init(parts: [Part]) {
        self.parts = parts
    }

    /// Every name the template refers to, in placeholders and sections.
    public var names: [(name: String, filter: String?)] {
        func collect(_ parts: [Part]) -> [(String, String?)] {
            parts.flatMap { part -> [(String, String?)] in
                switch part {
                case .text: []
                case .value(let name, let filter): [(name, filter)]
                case .section(let name, _, let inner): [(name, nil)] + collect(inner)
                }
            }
        }
        return collect(parts)
    }

    /// The template with its values filled in; `format` renders one value (nil when it is missing).
    ///
    /// A value inside a command (text between backticks) that holds anything but letters, digits and `_./:=@%+,-` is
    /// quoted for the shell where it lands (``ShellQuoting``): a path or a name a container printed is pasted as data,
    /// never as a command (`rm -f '/app/`reboot`.pid'`).
    public func render(_ values: [String: JSONValue], format: (JSONValue?, String?) -> String) -> String {
        var output = ""
        var shell = ShellQuoting()
        // A value in prose that ends a sentence of its own (a quoted log line: "… not specified.") takes the place of
        // the template's full stop after it, so the text does not read "specified..".
        var endsASentence = false
        func render(_ parts: [Part]) {
            for part in parts {
                switch part {
                case .text(let text):
                    let kept = endsASentence && text.hasPrefix(".") && !text.hasPrefix("..") ? String(text.dropFirst()) : text
                    endsASentence = false
                    output += kept
                    shell.read(text)
                case .value(let name, let filter):
                    let value = shell.quote(format(values[name], filter))
                    output += value
                    endsASentence = shell.inProse && [".", "!", "?"].contains(value.last)
                case .section(let name, let inverted, let inner): if Self.hasValue(values[name]) != inverted { render(inner) }
                }
            }
        }
        render(parts)
        return output
    }

    /// Whether a section on this value is shown: it exists and is not null, an empty string or an empty list.
    public static func hasValue(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: false
        case .string(let text)?: !text.isEmpty
        case .array(let items)?: !items.isEmpty
        default: true
        }
    }

    /// The placeholders inside commands (text between backticks) that are not guarded by a `{{#name}}` section of
    /// their own name and are not among `always` (values every incident has): a command printed with such a value
    /// missing cannot be pasted.
    public func commandProblems(always: Set<String>) -> [String] {
        var problems: [String] = []
        var inCommand = false
        func walk(_ parts: [Part], guarded: Set<String>) {
            for part in parts {
                switch part {
                case .text(let text):
                    if text.count(where: { $0 == "`" }) % 2 == 1 { inCommand.toggle() }
                case .value(let name, _):
                    if inCommand, !guarded.contains(name), !always.contains(name), !problems.contains(name) { problems.append(name) }
                case .section(let name, let inverted, let inner):
                    walk(inner, guarded: inverted ? guarded : guarded.union([name]))
                }
            }
        }
        walk(parts, guarded: [])
        return problems
    }
}
