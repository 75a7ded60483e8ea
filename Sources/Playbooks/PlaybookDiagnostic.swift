/// A problem in a playbook file, reported like a compiler: `playbooks/oom-kill.yaml:12: error: unknown key 'matches'`.
public struct PlaybookDiagnostic: Sendable, Equatable, CustomStringConvertible, Error {
    public var file: String
    /// 1-based; 0 when the problem is the file as a whole.
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): error: \(message)" }
}
