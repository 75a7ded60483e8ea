import DockerEngine
import Foundation

/// Picks the most informative error line of a log tail: the one a person would quote when asked why it died.
///
/// Each line is scored: the words runtimes and servers print for a failure (`FATAL`, `panic:`, `Traceback`,
/// `…Error:`, `permission denied`, `connection refused`, …) and a variable named as required (`You must specify
/// POSTGRES_PASSWORD`) raise it; stack frames (`    at …`, `  File "…", line 3`,
/// `goroutine 1 [running]:`) and shutdown chatter (`exiting`, `shutting down`) lower it. The highest score wins; on a
/// tie the later line, since runtimes print the exception after its context (Python's last traceback line). Pure.
public enum ErrorLine {
    private static let strong = try! NSRegularExpression(
        pattern: #"(\bFATAL\b|\bPANIC\b|\bpanic:|\bfatal error\b|\bTraceback\b|\b[A-Z][A-Za-z0-9]*(Error|Exception)\b|\bERROR\b|\bEMERG\b|\bCRIT(ICAL)?\b)"#)
    private static let words = try! NSRegularExpression(
        pattern: #"(?i)(\berror\b|\bfail(ed|ure|s)?\b|\bdenied\b|\brefused\b|\bcannot\b|\bcan't\b|\bcould not\b|\bunable to\b|\bnot found\b|\bno such\b|\binvalid\b|\bsegmentation fault\b|\bout of memory\b|\bno space left\b|\btoo many open files\b|\btimed out\b|\btimeout\b|\balready in use\b|\bread-only file system\b|\bexec format\b|\bnot permitted\b|\bmissing\b|\bunknown\b|\bundefined\b|\bunexpected\b|\bno module named\b|\bnot allowed\b|\bunreachable\b|\bkilled\b|\baborted\b)"#)
    private static let frame = try! NSRegularExpression(
        pattern: #"^(\s+at\s|\s+File ".*", line \d+|goroutine \d+ \[|\s+\S+\.(go|py|js|ts|rb|java|rs|c|cc):\d+|\s*\.\.\. \d+ more|\s+from\s\S+:\d+|\s*\^+\s*$|\s+#\d+\s+0x)"#)
    /// A line that names an upper-case variable (with an underscore: an environment variable's shape) as required or
    /// missing: `You must specify POSTGRES_PASSWORD to a non-empty value`, `API_TOKEN is not set`.
    private static let requirement = try! NSRegularExpression(
        pattern: #"((?i:\bmust (specify|set|provide)|\bneed to specify|\bmissing required|\brequired (environment |env )?variable)\b.*\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b.*(?i:\bis not set|\bnot set\b|\bmust be set|\bis required|\bis missing))"#)
    private static let chatter = try! NSRegularExpression(
        pattern: #"(?i)(\bexiting\b|\bshutting down\b|\bstopping\b|\bgoodbye\b|\bbye\b|received signal|\bterminated\b)"#)

    /// The most informative line of `lines`: the highest-scoring one, the later on a tie (with no error line, the last
    /// line that is not shutdown chatter); nil when every line is empty.
    public static func mostInformative(_ lines: [LogLine]) -> LogLine? {
        var best: (score: Int, line: LogLine)?
        for line in lines where !line.text.trimmingCharacters(in: .whitespaces).isEmpty {
            let score = min(self.score(line.text), 0) == 0 ? self.score(line.text) : -1
            if score >= best?.score ?? Int.min { best = (score, line) }
        }
        return best?.line
    }

    /// How much the line says about a failure: above 0 for an error line.
    public static func score(_ text: String) -> Int {
        let range = NSRange(text.startIndex..., in: text)
        if frame.firstMatch(in: text, range: range) != nil { return -4 }
        var score = 0
        if strong.firstMatch(in: text, range: range) != nil { score += 5 }
        if requirement.firstMatch(in: text, range: range) != nil { score += 5 }
        score += 4 * min(2, words.numberOfMatches(in: text, range: range))
        if chatter.firstMatch(in: text, range: range) != nil { score -= 3 }
        if score > 0, text.utf8.count > 600 { score -= 1 }
        return score
    }
}
