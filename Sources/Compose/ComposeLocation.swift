/// Where a value was written: a compose file (or `.env` / `env_file`) and a 1-based line.
public struct ComposeLocation: Sendable, Hashable, CustomStringConvertible {
    /// The path as the user gave it (or as found in the project directory).
    public var file: String
    /// 1-based; 0 when the finding is about the file as a whole.
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    /// `compose.yaml:12`.
    public var description: String { "\(file):\(line)" }
}

/// A value read from a compose file, with where it was written.
public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var location: ComposeLocation

    public init(_ value: Value, at location: ComposeLocation) {
        self.value = value
        self.location = location
    }
}
