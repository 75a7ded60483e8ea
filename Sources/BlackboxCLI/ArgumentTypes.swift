import ArgumentParser
import DockerEngine
import Logging
import Recorder

/// A duration option (`--window 7d`, `--interval 500ms`, `--keep-events 90d`): `ns`, `us`, `ms`, `s`, `m`, `h`, `d`
/// units, combined as `docker` takes them (`1h30m`); more than zero.
struct DurationArgument: ExpressibleByArgument, Sendable, Equatable {
    /// Nanoseconds, > 0.
    let nanos: Int64
    /// As written (shown as the option's default in `--help`).
    let text: String

    init?(argument: String) {
        guard let nanos = Timestamp.durationNanos(argument), nanos > 0 else { return nil }
        self.nanos = nanos
        text = argument
    }

    /// A default written in the source; a typo there is a programming error.
    init(_ literal: String) {
        guard let parsed = DurationArgument(argument: literal) else { preconditionFailure("'\(literal)' is not a duration") }
        self = parsed
    }

    var defaultValueDescription: String { text }
}

extension SamplerMode: ExpressibleByArgument {}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// A feature switch (`--error-bursts on|off`).
enum Switch: String, ExpressibleByArgument, CaseIterable, Sendable {
    case on, off
}
