/// A compose project read from one or more files, merged in order, interpolated.
public struct ComposeProject: Sendable {
    /// The project name, as compose derives it (see ``ComposeLoader``).
    public var name: String
    /// The directory relative paths are resolved against: the first file's directory.
    public var directory: String
    /// The files named (or found), in merge order, then the files read through `include` and `extends`, in the order read.
    public var files: [String]
    /// Services in the order of first definition.
    public var services: [ComposeService]
    /// `${VAR}` references with no default whose variable is unset, and `${VAR:?message}` errors.
    public var unsetVariables: [UnsetVariable]
    /// Problems in the files themselves (invalid YAML, a value of the wrong type).
    public var problems: [ComposeProblem]

    /// The service of this name, found in constant time (the checks look services up once per dependency).
    public func service(_ name: String) -> ComposeService? {
        if let index = serviceIndex[name], index < services.count, services[index].name == name { return services[index] }
        return services.first { $0.name == name }
    }

    /// Each service's index in ``services`` by name, as given to ``init(name:directory:files:services:unsetVariables:problems:)``.
    private let serviceIndex: [String: Int]

    public init(
        name: String, directory: String, files: [String], services: [ComposeService], unsetVariables: [UnsetVariable], problems: [ComposeProblem]
    ) {
        self.name = name
        self.directory = directory
        self.files = files
        self.services = services
        self.unsetVariables = unsetVariables
        self.problems = problems
        serviceIndex = Dictionary(services.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
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
