/// One result of `blackbox check`: what is wrong with a service (or the files), where, the evidence, and the fix.
public struct Finding: Sendable {
    public enum Severity: String, Sendable, CaseIterable {
        /// The deploy should not go ahead: `blackbox check` exits 1.
        case error
        case warning
        case info
    }

    public var severity: Severity
    /// Which check: `compose-file`, `variable`, `credential`, `memory-limit`, `oom`, `cpu-limit`, `port`, `bind-mount`,
    /// `state-path`, `depends-on`, `start-order`, `shutdown`, `restart-loop`, `history`.
    public var check: String
    /// The service it is about; nil for the project as a whole.
    public var service: String?
    public var location: ComposeLocation
    /// What is wrong, in one sentence (values are never credentials).
    public var message: String
    /// Named values it rests on: `_bytes` are bytes, `_pct` percents (100 = one CPU for CPU figures), `_ns` Unix nanoseconds.
    public var evidence: [Evidence]
    /// What to change, with concrete values; nil when there is nothing to change (an `info`).
    public var fix: String?

    public init(
        _ severity: Severity, _ check: String, service: String?, at location: ComposeLocation, _ message: String, evidence: [Evidence] = [],
        fix: String? = nil
    ) {
        self.severity = severity
        self.check = check
        self.service = service
        self.location = location
        self.message = message
        self.evidence = evidence
        self.fix = fix
    }

    /// One named value.
    public struct Evidence: Sendable, Equatable {
        public var name: String
        public var value: Value

        public init(_ name: String, _ value: Value) {
            self.name = name
            self.value = value
        }

        public init(_ name: String, _ integer: Int64) {
            self.init(name, .integer(integer))
        }

        public init(_ name: String, _ text: String) {
            self.init(name, .text(text))
        }
    }

    /// An evidence value; integers stay exact (nanosecond times do not fit a `Double`).
    public enum Value: Sendable, Equatable {
        case integer(Int64)
        case number(Double)
        case text(String)
        case list([String])
        case none
    }
}
