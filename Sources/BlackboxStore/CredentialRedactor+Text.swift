import DockerEngine
import Foundation

extension CredentialRedactor {
    /// Where a text comes from, which decides two rules of ``redact(_:in:)``.
    public enum TextContext: Sendable {
        /// A command line or a value the application receives (`Config.Cmd`, an `exec_start: …` action, an
        /// environment value): every credential value is replaced, placeholders too (their marker says so).
        case command
        /// A log line or an error message: a well-known placeholder is kept (`-e POSTGRES_PASSWORD=password` in the
        /// postgres image's help), and `NAME: value` followed by more words is a sentence, not a credential
        /// (`token: invalid signature`), unless the value looks random (16 or more characters, letters and digits).
        case prose
    }

    /// Free text with credentials replaced by their ``RedactedValue`` markers, and how many were replaced.
    ///
    /// In order, everything else kept byte for byte:
    /// 1. a private key block's body (`-----BEGIN … PRIVATE KEY-----` … `-----END … PRIVATE KEY-----`);
    /// 2. the password of a URL (`postgres://user:PASSWORD@db`);
    /// 3. tokens of a well-known format wherever they are (``RedactedValue/Kind``: JWTs, AWS access key ids, GitHub,
    ///    GitLab, Slack, Google, Stripe, npm tokens), and the token after `Bearer` when it has 16 or more characters
    ///    and a digit;
    /// 4. the value of `NAME=value`, `"NAME": "value"` / `'NAME': 'value'`, `NAME: value` (a space after the colon)
    ///    and `--NAME value` / `-NAME value`, where NAME is a whole token (not preceded by a letter, digit, `_`, `.`, `/`,
    ///    `:` or `@`: not part of a path or a URL host) and ``isCredential(name:)`` (not a file name like
    ///    `auth_server.yml`). An HTTP scheme word (`Authorization: Bearer …`, `Basic`, `Token`, `Digest`) is kept.
    ///
    /// A value is never replaced when it is empty, already a marker (so redacting twice changes nothing), a switch
    /// or state (`true`, `false`, `yes`, `no`, `on`, `off`, `none`, `null`, `required`, `0`, `1`, …), a file path
    /// (`/run/secrets/db`, `./certs/server.key`) or a file name (`server.key`); the bare name `key` in prose is a
    /// lookup key, not a credential, unless its value looks random (16 or more characters, letters and digits). Placeholders and sentences follow ``TextContext``.
    public func redact(_ text: String, in context: TextContext) -> (text: String, redacted: Int) {
        guard Self.mayHoldCredential(text) else { return (text, 0) }
        var count = 0
        var result = text
        if result.contains("PRIVATE KEY-----") {
            result = Self.replace(Self.privateKeyBlock, in: result, group: 2, count: &count) { body, _, _ in
                RedactedValue(secret: body, kind: .privateKey)?.text
            }
        }
        if result.contains("://") {
            result = Self.replace(Self.urlPassword, in: result, group: 1, count: &count) { password, _, _ in
                Self.redactedValue(password, context: context)
            }
        }
        for (kind, regex) in Self.tokenFormats {
            result = Self.replace(regex, in: result, group: 0, count: &count) { token, _, _ in RedactedValue(secret: token, kind: kind)?.text }
        }
        if result.range(of: "bearer", options: .caseInsensitive) != nil {
            result = Self.replace(Self.bearerToken, in: result, group: 1, count: &count) { token, _, _ in
                token.contains(where: \.isNumber) ? RedactedValue(secret: token)?.text : nil
            }
        }
        result = Self.replace(Self.assignment, in: result, group: 3, count: &count) { value, match, string in
            guard credential(Self.group(2, match, string), context, value: value), !Self.isExpression(after: match, in: string) else { return nil }
            return Self.redactedValue(value, context: context)
        }
        result = Self.replace(Self.quotedKey, in: result, group: 4, count: &count) { value, match, string in
            guard credential(Self.group(2, match, string), context, value: value) else { return nil }
            return Self.redactedValue(value, context: context)
        }
        result = Self.replace(Self.colonKey, in: result, group: 3, count: &count) { value, match, string in
            guard credential(Self.group(1, match, string), context, value: value) else { return nil }
            let schemed = !Self.group(2, match, string).isEmpty
            if context == .prose, !schemed, Self.isSentence(after: match, in: string), !Self.looksRandom(value) { return nil }
            return Self.redactedValue(value, context: context)
        }
        result = Self.replace(Self.flagWithValue, in: result, group: 2, count: &count) { value, match, string in
            guard credential(Self.group(1, match, string), context, value: value) else { return nil }
            return Self.redactedValue(value, context: context)
        }
        return (result, count)
    }

    /// A command line or a value the application receives (``TextContext/command``), redacted.
    public func redact(text: String) -> String {
        redact(text, in: .command).text
    }

    /// Log lines with credentials replaced (``TextContext/prose``), and how many values were replaced in each line.
    ///
    /// The lines between a `-----BEGIN … PRIVATE KEY-----` line and its `-----END … PRIVATE KEY-----` line (a key
    /// printed to a log) are each replaced whole, their white space kept.
    public func redact(logLines lines: [LogLine]) -> (lines: [LogLine], redacted: [Int]) {
        var redactedLines: [LogLine] = []
        var counts: [Int] = []
        var insideKey = false
        for line in lines {
            var redacted = line
            var count = 0
            if insideKey, !line.text.contains("-----END") {
                if let value = RedactedValue(secret: line.text, kind: .privateKey) {
                    redacted.text = value.text
                    count = 1
                }
            } else {
                (redacted.text, count) = redact(line.text, in: .prose)
                insideKey = false
            }
            if let begin = line.text.range(of: "PRIVATE KEY-----"), !line.text[begin.upperBound...].contains("-----END") {
                insideKey = line.text[..<begin.lowerBound].contains("-----BEGIN")
            }
            redactedLines.append(redacted)
            counts.append(count)
        }
        return (redactedLines, counts)
    }

    /// Log lines with credentials replaced; ``redact(logLines:)`` without the counts.
    public func redact(lines: [LogLine]) -> [LogLine] {
        redact(logLines: lines).lines
    }

    /// `text` with only URL passwords and tokens of a well-known format replaced: for label values, where
    /// `NAME: value` forms are not secrets (`com.docker.compose.depends_on` is `auth:service_started:false`).
    public func redact(urlsIn text: String) -> String {
        var count = 0
        var result = text.contains("://")
            ? Self.replace(Self.urlPassword, in: text, group: 1, count: &count) { password, _, _ in Self.redactedValue(password, context: .command) }
            : text
        guard Self.mayHoldCredential(result) else { return result }
        for (kind, regex) in Self.tokenFormats {
            result = Self.replace(regex, in: result, group: 0, count: &count) { token, _, _ in RedactedValue(secret: token, kind: kind)?.text }
        }
        return result
    }

    /// The marked-up value for a whole value the application receives (an environment value, a label value, the
    /// argument after a credential flag), or nil when it is not to be replaced (``redact(_:in:)`` says when).
    func redactedValue(_ value: String) -> String? {
        Self.redactedValue(value, context: .command)
    }

    /// Whether `name` holds a credential here: the bare name `key` in prose is a lookup key unless its value looks random.
    private func credential(_ name: String, _ context: TextContext, value: String) -> Bool {
        if context == .prose, ["key", "keys"].contains(name.lowercased()) { return Self.looksRandom(String(RedactedValue.split(value).core)) }
        return isCredential(name: name)
    }

    /// nil when `value` is to be kept: empty, a marker, a state word, a path, a file name, or a placeholder in prose.
    private static func redactedValue(_ value: String, context: TextContext) -> String? {
        let core = String(RedactedValue.split(value).core)
        guard !core.isEmpty, !RedactedValue.containsMarker(core), !stateWords.contains(core.lowercased()), !isPath(core), !isFileName(core) else {
            return nil
        }
        if context == .prose, RedactedValue.isPlaceholder(core) { return nil }
        return RedactedValue(secret: value)?.text
    }

    /// Values that say a state, not a secret.
    static let stateWords: Set<String> = [
        "true", "false", "yes", "no", "on", "off", "none", "null", "nil", "undefined", "empty", "unset", "required", "optional",
        "enabled", "disabled", "0", "1",
    ]

    /// `/`, `/a/b`, `./a`, `../a`, `~/a`, each part made of letters, digits, `.`, `_`, `-` and either without upper
    /// case, a capitalised word (`Users`), or with a `.`, `_` or `-` (so a random base64 string that starts with `/`
    /// is no path).
    static func isPath(_ core: String) -> Bool {
        if core == "/" { return true }
        let rest: Substring
        if core.hasPrefix("/") { rest = core.dropFirst() } else if core.hasPrefix("./") || core.hasPrefix("~/") { rest = core.dropFirst(2) }
        else if core.hasPrefix("../") { rest = core.dropFirst(3) } else { return false }
        let parts = rest.split(separator: "/")
        guard !parts.isEmpty else { return false }
        return parts.allSatisfy { part in
            part.count <= 40 && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
                && (part.contains { $0 == "." || $0 == "_" || $0 == "-" } || part.allSatisfy { !$0.isUppercase }
                    || part.allSatisfy(\.isLetter) && part.dropFirst().allSatisfy(\.isLowercase))
        }
    }

    /// `server.key`, `db-password.txt`: a name ending with a common file extension.
    static func isFileName(_ core: String) -> Bool {
        guard let dot = core.lastIndex(of: "."), dot != core.startIndex else { return false }
        let name = core[..<dot]
        return fileExtensions.contains(core[core.index(after: dot)...].lowercased())
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }

    /// 16 or more characters with letters and digits.
    private static func looksRandom(_ value: String) -> Bool {
        value.count >= 16 && value.contains(where: \.isLetter) && value.contains(where: \.isNumber)
    }

    /// Whether the match is followed by more words on the line (white space, then a letter or a digit).
    private static func isSentence(after match: NSTextCheckingResult, in string: NSString) -> Bool {
        var index = match.range.location + match.range.length
        var sawSpace = false
        while index < string.length, let scalar = Unicode.Scalar(string.character(at: index)), scalar == " " || scalar == "\t" {
            index += 1
            sawSpace = true
        }
        guard sawSpace, index < string.length, let scalar = Unicode.Scalar(string.character(at: index)) else { return false }
        return CharacterSet.alphanumerics.contains(scalar)
    }

    /// Whether the value is followed by `(` or `[`: an expression in source code (`password=os.environ[…]`), not a value.
    private static func isExpression(after match: NSTextCheckingResult, in string: NSString) -> Bool {
        let end = match.range.location + match.range.length
        guard end < string.length else { return false }
        let next = string.character(at: end)
        return next == UInt16(UInt8(ascii: "(")) || next == UInt16(UInt8(ascii: "["))
    }

    /// A cheap test that `text` can hold anything ``redact(_:in:)`` replaces.
    private static func mayHoldCredential(_ text: String) -> Bool {
        text.utf8.contains { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
            || text.contains("eyJ") || text.contains("AKIA") || text.contains("ASIA") || text.contains("AIza")
            || text.range(of: "bearer", options: .caseInsensitive) != nil
    }

    /// A marker, a quoted string or a bare value, in this order of preference.
    private static let value = #"(\#(RedactedValue.markerPattern)|"(?:[^"\\]|\\.)*"|'[^'\n]*'|[^\s,;&"'(){}\[\]]+)"#
    /// `BEGIN … PRIVATE KEY` block: group 2 is the body (to the end of the text when the END line is missing).
    private static let privateKeyBlock = regex(#"-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----([\s\S]*?)(?=-----END \1PRIVATE KEY-----|\z)"#)
    /// `scheme://user:PASSWORD@`: group 1 is the password.
    private static let urlPassword = regex(#"[A-Za-z][A-Za-z0-9+.\-]*://[^\s/:@"'<>]+:(\#(RedactedValue.markerPattern)|[^\s/@"']+)@"#)
    /// `Bearer TOKEN` outside an Authorization header: group 1 is the token.
    private static let bearerToken = regex(#"(?<![A-Za-z0-9_\-])(?i:bearer)[ \t]+([A-Za-z0-9._~+/\-]{16,}=*)(?![A-Za-z0-9._~+/=\-])"#)
    /// `NAME=value`: group 2 is the name, group 3 the value.
    private static let assignment = regex(#"(?<![A-Za-z0-9_./:@\\$%])(["']?)([A-Za-z_][A-Za-z0-9_.\-]*)\1=(?!=)\#(value)"#)
    /// `"NAME": value` / `'NAME': value`: group 2 is the name, group 4 the value.
    private static let quotedKey = regex(#"(?<![A-Za-z0-9_\\])(["'])([A-Za-z_][A-Za-z0-9_.\-]*)\1[ \t]*(:)[ \t]*\#(value)"#)
    /// `NAME: value` with white space after the colon: group 1 is the name, group 2 an HTTP scheme word, group 3 the value.
    private static let colonKey = regex(
        #"(?<![A-Za-z0-9_./:@\\$%\-])([A-Za-z_][A-Za-z0-9_.\-]*):[ \t]+((?i:bearer|basic|token|digest|negotiate|apikey)[ \t]+)?\#(value)"#)
    /// `--NAME value` / `-NAME value` as a whole word: group 1 is the name, group 2 the value.
    private static let flagWithValue = regex(#"(?<![^\s"'(])--?([A-Za-z][A-Za-z0-9_.\-]*)[ \t]+(?!-)(\#(RedactedValue.markerPattern)|"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"';&|()]+)"#)

    /// The well-known token formats, each a whole word.
    static let tokenFormats: [(RedactedValue.Kind, NSRegularExpression)] = [
        (.jwt, #"eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"#),
        (.awsAccessKeyID, #"(?:AKIA|ASIA)[A-Z0-9]{16}"#),
        (.githubToken, #"(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40,})"#),
        (.gitlabToken, #"glpat-[A-Za-z0-9_\-]{20}"#),
        (.slackToken, #"xox[baprs]-[A-Za-z0-9\-]{10,}"#),
        (.googleAPIKey, #"AIza[A-Za-z0-9_\-]{35}"#),
        (.stripeKey, #"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"#),
        (.npmToken, #"npm_[A-Za-z0-9]{36}"#),
    ].map { kind, pattern in (kind, regex(#"(?<![A-Za-z0-9_.\-])"# + pattern + #"(?![A-Za-z0-9_\-])"#)) }

    private static func regex(_ pattern: String) -> NSRegularExpression {
        // The patterns are constants: a failure here is a programming error caught by every test run.
        try! NSRegularExpression(pattern: pattern)
    }

    static func group(_ index: Int, _ match: NSTextCheckingResult, _ string: NSString) -> String {
        let range = match.range(at: index)
        return range.location == NSNotFound ? "" : string.substring(with: range)
    }

    /// Replaces capture group `group` of every match of `regex` with what `replacement` returns (nil: leave it),
    /// counting the replacements.
    private static func replace(
        _ regex: NSRegularExpression, in text: String, group: Int, count: inout Int,
        _ replacement: (String, NSTextCheckingResult, NSString) -> String?
    ) -> String {
        let string = text as NSString
        let matches = regex.matches(in: text, range: NSRange(location: 0, length: string.length))
        guard !matches.isEmpty else { return text }
        let result = NSMutableString(string: text)
        for match in matches.reversed() {
            let range = match.range(at: group)
            guard range.location != NSNotFound, let value = replacement(string.substring(with: range), match, string) else { continue }
            result.replaceCharacters(in: range, with: value)
            count += 1
        }
        return String(result)
    }
}
