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

/// `query --timeout`: a duration (`30s`, `2m`) or a number of seconds (`0.5`); more than zero, at most 100 years
/// (``Timestamp/maximumNanos``).
struct TimeoutArgument: ExpressibleByArgument, Sendable, Equatable {
    /// Seconds, > 0.
    let seconds: Double
    /// As written (shown as the option's default in `--help`).
    let text: String

    init?(argument: String) {
        guard let seconds = Timestamp.durationNanos(argument).map({ Double($0) / 1e9 }) ?? Double(argument),
            seconds > 0, seconds <= Timestamp.maximumNanos / 1e9
        else { return nil }
        self.seconds = seconds
        text = argument
    }

    var defaultValueDescription: String { text }
}

/// `events --type`: an Engine API event `Type` (`GET /events`, API 1.41+).
enum EngineEventType: String, ExpressibleByArgument, CaseIterable, Sendable {
    case container, image, network, volume, daemon, plugin, service, node, secret, config
}

extension SamplerMode: ExpressibleByArgument {}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// A feature switch (`--error-bursts on|off`).
enum Switch: String, ExpressibleByArgument, CaseIterable, Sendable {
    case on, off
}
