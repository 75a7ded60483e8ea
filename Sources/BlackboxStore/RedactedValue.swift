import Foundation

/// The shape of a credential that was redacted: what the marker keeps of a value that is not secret.
///
/// A redacted value is written as `LEADING` `<redacted:LENGTH[,placeholder][,KIND]>` `TRAILING`:
/// - `LEADING` / `TRAILING`: the value's own leading and trailing white space and an opening / closing quote (`"` or
///   `'`), kept literally, so `DB_PASSWORD="hunter2"` becomes `DB_PASSWORD="<redacted:1-7>"` and a playbook can still
///   see that the application receives the quotes;
/// - `LENGTH`: how many characters the secret has, as a class: `1-7`, `8-15`, `16-31`, `32-63`, `64+`;
/// - `placeholder`: the secret is a well-known placeholder that was never replaced (`changeme`, `your-api-key`,
///   `password`, `secret`, `xxx`, `<...>`, `${VAR}`, …; ``isPlaceholder(_:)``);
/// - `KIND`: the secret is a token of a well-known format (``Kind``: `jwt`, `aws-access-key-id`, …).
///
/// An empty value (or white space, or quotes only) is not redacted at all: it stays as it is, byte for byte.
/// `<redacted>` alone is the marker of stores written before shapes were kept: nothing is known of that value.
/// The format is stable: ``init(parsing:)`` reads back every marker this type writes, and every older one.
public struct RedactedValue: Sendable, Equatable, CustomStringConvertible {
    /// How many characters (Swift `Character`s) the secret had.
    public enum Length: String, Sendable, CaseIterable {
        case upTo7 = "1-7"
        case upTo15 = "8-15"
        case upTo31 = "16-31"
        case upTo63 = "32-63"
        case over63 = "64+"

        /// The class of a secret of `count` characters (at least 1).
        public init(count: Int) {
            switch count {
            case ..<8: self = .upTo7
            case ..<16: self = .upTo15
            case ..<32: self = .upTo31
            case ..<64: self = .upTo63
            default: self = .over63
            }
        }
    }

    /// A token recognised by its fixed format rather than by the name it stands under.
    public enum Kind: String, Sendable, CaseIterable {
        /// `eyJ….….…`: a JSON Web Token (three base64url parts, the first a JSON header).
        case jwt
        /// `AKIA…` / `ASIA…`, 20 characters: an AWS access key id.
        case awsAccessKeyID = "aws-access-key-id"
        /// `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` + 36 characters, or `github_pat_…`: a GitHub token.
        case githubToken = "github-token"
        /// `glpat-` + 20 characters: a GitLab personal access token.
        case gitlabToken = "gitlab-token"
        /// `xoxb-`, `xoxa-`, `xoxp-`, `xoxr-`, `xoxs-`: a Slack token.
        case slackToken = "slack-token"
        /// `AIza` + 35 characters: a Google API key.
        case googleAPIKey = "google-api-key"
        /// `sk_live_`, `rk_live_`, `sk_test_`, `rk_test_` + at least 16 characters: a Stripe key.
        case stripeKey = "stripe-key"
        /// `npm_` + 36 characters: an npm access token.
        case npmToken = "npm-token"
        /// The body of a `-----BEGIN … PRIVATE KEY-----` block.
        case privateKey = "private-key"
    }

    /// Kept literally before the marker: leading white space, an opening quote, white space inside it.
    public var leading: String
    /// Kept literally after the marker: white space, a closing quote, trailing white space.
    public var trailing: String
    /// nil for the legacy marker `<redacted>`.
    public var length: Length?
    public var placeholder: Bool
    public var kind: Kind?

    public init(leading: String = "", trailing: String = "", length: Length?, placeholder: Bool = false, kind: Kind? = nil) {
        self.leading = leading
        self.trailing = trailing
        self.length = length
        self.placeholder = placeholder
        self.kind = kind
    }

    /// The shape of `value` as the application receives it; nil when there is nothing to hide (empty, white space
    /// or quotes only) or when `value` is already redacted (its core is a marker).
    public init?(secret value: String, kind: Kind? = nil) {
        let (leading, core, trailing) = Self.split(value)
        guard !core.isEmpty, Self.marker(in: core) == nil else { return nil }
        self.init(leading: leading, trailing: trailing, length: Length(count: core.count), placeholder: Self.isPlaceholder(String(core)), kind: kind)
    }

    /// Reads back a redacted value as stored: literal text, one marker, literal text. nil when `value` holds no
    /// marker (it was not redacted: it is what the application received).
    public init?(parsing value: String) {
        guard let range = value.range(of: Self.markerPattern, options: .regularExpression) else { return nil }
        guard let shape = Self.marker(in: String(value[range])) else { return nil }
        self = shape
        leading = String(value[..<range.lowerBound])
        trailing = String(value[range.upperBound...])
    }

    /// The marker alone: `<redacted:8-15,placeholder>`.
    public var marker: String {
        guard let length else { return Self.legacyMarker }
        var text = "<redacted:\(length.rawValue)"
        if placeholder { text += ",placeholder" }
        if let kind { text += ",\(kind.rawValue)" }
        return text + ">"
    }

    /// The value as stored: `leading`, the marker, `trailing`.
    public var text: String { leading + marker + trailing }

    public var description: String { text }

    /// The quote the value starts with (`"` or `'`), if any: the application received it.
    public var openingQuote: Character? { leading.first { $0 == "\"" || $0 == "'" } }

    /// The quote the value ends with (`"` or `'`), if any.
    public var closingQuote: Character? { trailing.last { $0 == "\"" || $0 == "'" } }

    /// Whether the value started or ended with white space (a space, a tab, a line break) outside or inside its quotes.
    public var hasLeadingWhitespace: Bool { leading.contains { $0.isWhitespace } }
    public var hasTrailingWhitespace: Bool { trailing.contains { $0.isWhitespace } }

    /// The marker of stores written before shapes were kept.
    public static let legacyMarker = "<redacted>"

    /// A regular expression (ICU) for any marker this type writes or reads.
    public static let markerPattern = #"<redacted(?::(?:1-7|8-15|16-31|32-63|64\+)(?:,[a-z0-9-]+)*)?>"#

    /// Whether `text` holds a marker anywhere.
    public static func containsMarker(_ text: String) -> Bool {
        text.contains("<redacted") && text.range(of: markerPattern, options: .regularExpression) != nil
    }

    /// Whether `core` (a value without its quotes and white space) is a well-known placeholder, compared
    /// case-insensitively: `changeme`, `change-me`, `change_me`, `changeit`, `password`, `passwd`, `secret`,
    /// `placeholder`, `example`, `dummy`, `todo`, `fixme`, `replaceme`, `redacted`, `hidden`, `none`, `null`; three or more
    /// `x` or `*`; `...`; anything starting with `your` (`your-api-key`, `YOUR_TOKEN_HERE`) or ending with `here`
    /// (`insert-key-here`); `<...>`, `[...]`, `{{...}}`, `${VAR}` and `$VAR` (never substituted).
    public static func isPlaceholder(_ core: String) -> Bool {
        let lower = core.lowercased()
        if placeholderWords.contains(lower) { return true }
        if lower.count >= 3, lower.allSatisfy({ $0 == "x" }) || lower.allSatisfy({ $0 == "*" }) || lower.allSatisfy({ $0 == "." }) { return true }
        if lower.hasPrefix("your") || lower.hasSuffix("here") { return true }
        if (lower.hasPrefix("<") && lower.hasSuffix(">")) || (lower.hasPrefix("[") && lower.hasSuffix("]")) { return lower.count > 2 }
        if lower.hasPrefix("{{") && lower.hasSuffix("}}") { return true }
        if lower.hasPrefix("${") && lower.hasSuffix("}") { return true }
        if lower.hasPrefix("$"), lower.count > 1, lower.dropFirst().allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { return true }
        return false
    }

    private static let placeholderWords: Set<String> = [
        "changeme", "change-me", "change_me", "changeit", "password", "passwd", "secret", "placeholder", "example", "dummy", "todo",
        "fixme", "replaceme", "replace-me", "replace_me", "redacted", "hidden", "none", "null",
    ]

    /// `value` as leading text kept literally (white space, an opening quote, white space), the core, and trailing
    /// text kept literally (white space, a closing quote, white space).
    static func split(_ value: String) -> (leading: String, core: Substring, trailing: String) {
        var core = value[...]
        func takeWhitespace(fromStart: Bool) {
            while let character = fromStart ? core.first : core.last, character.isWhitespace {
                if fromStart { core.removeFirst() } else { core.removeLast() }
            }
        }
        takeWhitespace(fromStart: true)
        if let first = core.first, first == "\"" || first == "'" { core.removeFirst() }
        takeWhitespace(fromStart: true)
        takeWhitespace(fromStart: false)
        if let last = core.last, last == "\"" || last == "'" { core.removeLast() }
        takeWhitespace(fromStart: false)
        return (String(value[..<core.startIndex]), core, String(value[core.endIndex...]))
    }

    /// The shape a whole marker stands for, or nil when `text` is not exactly one marker.
    private static func marker(in text: some StringProtocol) -> RedactedValue? {
        guard text.hasPrefix("<redacted"), text.hasSuffix(">") else { return nil }
        if text == legacyMarker { return RedactedValue(length: nil) }
        let inner = text.dropFirst("<redacted:".count).dropLast()
        guard text.dropFirst("<redacted".count).first == ":" else { return nil }
        var parts = inner.split(separator: Character(","), omittingEmptySubsequences: false).map { String($0) }
        guard let length = Length(rawValue: parts.removeFirst()) else { return nil }
        var shape = RedactedValue(length: length)
        for part in parts {
            if part == "placeholder", !shape.placeholder, shape.kind == nil {
                shape.placeholder = true
            } else if let kind = Kind(rawValue: part), shape.kind == nil {
                shape.kind = kind
            } else {
                return nil
            }
        }
        return shape
    }
}
