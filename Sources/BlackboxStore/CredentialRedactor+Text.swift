import DockerEngine
import Foundation

extension CredentialRedactor {
    /// A command line as an argument vector (`Config.Cmd`, `Config.Entrypoint`, `Args`) with credentials replaced:
    /// the value after a flag whose name looks like a credential (`--password VALUE`, `-token VALUE`; never after a
    /// flag that does not, so `-p 8080` stays), and within each argument what ``redact(text:)`` replaces
    /// (`--password=VALUE`, `DB_PASSWORD=VALUE`, `sh -c "… --password VALUE"`, `scheme://user:PASSWORD@host`).
    public func redact(arguments: [String]) -> [String] {
        var redacted: [String] = []
        var valueFollows = false
        for argument in arguments {
            if valueFollows && !argument.hasPrefix("-") {
                redacted.append(Self.placeholder)
            } else {
                redacted.append(redact(text: argument))
            }
            valueFollows = Self.flagName(argument).map(isCredential(name:)) ?? false
        }
        return redacted
    }

    /// Free text (a log line, the command of an `exec_start: …` action) with credentials replaced:
    /// the value in `NAME=value`, `NAME: value`, `"NAME": "value"` and `--NAME value` when NAME looks like a
    /// credential (an `Authorization: Bearer …` scheme word is taken with its token), and the password of a URL
    /// (`postgres://user:PASSWORD@db`).
    public func redact(text: String) -> String {
        guard text.contains(where: { $0 == "=" || $0 == ":" || $0 == "-" }) else { return text }
        var result = redact(urlsIn: text)
        result = Self.replace(Self.assignment, in: result) { match, string in
            guard isCredential(name: Self.group(2, match, string)) else { return nil }
            return Self.quotedPlaceholder(like: Self.group(4, match, string))
        }
        result = Self.replace(Self.flagWithValue, in: result) { match, string in
            guard isCredential(name: Self.group(1, match, string)) else { return nil }
            return Self.quotedPlaceholder(like: Self.group(2, match, string))
        }
        return result
    }

    /// `text` with only the passwords of URLs replaced (`postgres://user:<redacted>@db`): for label values, where
    /// `NAME: value` forms are not secrets (`com.docker.compose.depends_on` is `auth:service_started:false`).
    public func redact(urlsIn text: String) -> String {
        text.contains("://") ? Self.replace(Self.urlPassword, in: text) { _, _ in Self.placeholder } : text
    }

    /// Log lines with ``redact(text:)`` applied to each.
    public func redact(lines: [LogLine]) -> [LogLine] {
        lines.map { line in
            var redacted = line
            redacted.text = redact(text: line.text)
            return redacted
        }
    }

    /// `scheme://user:PASSWORD@`: group 1 is the password.
    private static let urlPassword = regex(#"[A-Za-z][A-Za-z0-9+.\-]*://[^\s/:@"']+:([^\s/@"']+)@"#)
    /// `NAME=value`, `NAME: value`, `"NAME": "value"`: group 2 is the name, group 4 the value.
    private static let assignment = regex(
        #"(?<![A-Za-z0-9_.])(["']?)([A-Za-z_][A-Za-z0-9_.\-]*)\1(\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|(?:(?i:bearer|basic|token|digest)\s+)?[^\s,;&"'})\]]+)"#)
    /// `--NAME value` / `-NAME value`: group 1 is the name, group 2 the value.
    private static let flagWithValue = regex(#"(?<![A-Za-z0-9_.\-])--?([A-Za-z][A-Za-z0-9_.\-]*)\s+(?!-)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"']+)"#)

    private static func regex(_ pattern: String) -> NSRegularExpression {
        // The patterns are constants: a failure here is a programming error caught by every test run.
        try! NSRegularExpression(pattern: pattern)
    }

    /// `NAME` of an argument `--NAME` or `-NAME` (without a value attached); nil for anything else.
    private static func flagName(_ argument: String) -> String? {
        guard argument.hasPrefix("-"), !argument.contains("=") else { return nil }
        let name = argument.drop { $0 == "-" }
        return name.isEmpty || argument.count - name.count > 2 ? nil : String(name)
    }

    /// The placeholder, in the quotes `value` had.
    private static func quotedPlaceholder(like value: String) -> String {
        guard let quote = value.first, quote == "\"" || quote == "'" else { return placeholder }
        return "\(quote)\(placeholder)\(quote)"
    }

    private static func group(_ index: Int, _ match: NSTextCheckingResult, _ string: NSString) -> String {
        let range = match.range(at: index)
        return range.location == NSNotFound ? "" : string.substring(with: range)
    }

    /// Replaces the last capture group of every match of `regex` with what `replacement` returns (nil: leave it).
    private static func replace(_ regex: NSRegularExpression, in text: String, _ replacement: (NSTextCheckingResult, NSString) -> String?) -> String {
        let string = text as NSString
        let matches = regex.matches(in: text, range: NSRange(location: 0, length: string.length))
        guard !matches.isEmpty else { return text }
        let result = NSMutableString(string: text)
        for match in matches.reversed() {
            guard let value = replacement(match, string) else { continue }
            result.replaceCharacters(in: match.range(at: match.numberOfRanges - 1), with: value)
        }
        return String(result)
    }
}
