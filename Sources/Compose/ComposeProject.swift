/// A compose project read from one or more files, merged in order, interpolated.
public struct ComposeProject: Sendable {
    /// The project name, as compose derives it (see ``ComposeLoader``).
    public var name: String
    /// The directory relative paths are resolved against: the first file's directory.
    public var directory: String
    /// The files read, in merge order.
    public var files: [String]
    /// Services in the order of first definition.
    public var services: [ComposeService]
    /// `${VAR}` references with no default whose variable is unset, and `${VAR:?message}` errors.
    public var unsetVariables: [UnsetVariable]
    /// Problems in the files themselves (invalid YAML, a value of the wrong type).
    public var problems: [ComposeProblem]

    public func service(_ name: String) -> ComposeService? {
        services.first { $0.name == name }
    }

    /// A variable used without a value: `${VAR}` with VAR unset, or `${VAR:?message}`.
    public struct UnsetVariable: Sendable {
        public var name: String
        /// The `:?` message, when given.
        public var message: String?
        public var location: ComposeLocation
    }
}

/// A problem in a compose file that the checklist reports as an error (the file cannot be deployed as written).
public struct ComposeProblem: Sendable, Error, CustomStringConvertible {
    public var location: ComposeLocation
    public var message: String

    public init(_ message: String, at location: ComposeLocation) {
        self.message = message
        self.location = location
    }

    public var description: String { "\(location): error: \(message)" }
}
