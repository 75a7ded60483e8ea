/// A problem in a playbook file, reported like a compiler: `playbooks/oom-kill.yaml:12: error: unknown key 'matches'`.
///
/// An error keeps the file from loading; a warning (a command that can be printed with a value missing) does not.
public struct PlaybookDiagnostic: Sendable, Equatable, CustomStringConvertible, Error {
    public enum Severity: String, Sendable {
        case error, warning
    }

    public var file: String
    /// 1-based; 0 when the problem is the file as a whole.
    public var line: Int
    public var message: String
    public var severity: Severity

    public init(file: String, line: Int, message: String, severity: Severity = .error) {
        self.file = file
        self.line = line
        self.message = message
        self.severity = severity
    }

    public var description: String { "\(file):\(line): \(severity.rawValue): \(message)" }
}
