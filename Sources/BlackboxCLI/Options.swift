import ArgumentParser
import BlackboxStore
import DockerEngine
import Foundation
import Logging

/// `--db`: every command reads or writes the same store.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp("The store file (default: $BLACKBOX_DB, else $XDG_STATE_HOME/blackbox/blackbox.sqlite).", valueName: "path"))
    var path: String?

    @Option(
        help: ArgumentHelp(
            "How long a container must run (and stay healthy) after a failure for its incident to resolve (default 5m; also $BLACKBOX_RESOLVE_AFTER).",
            valueName: "duration"))
    var resolveAfter: DurationArgument?

    var resolvedPath: String { StoreLocation.resolve(flag: path, environment: ProcessInfo.processInfo.environment) }

    /// `--resolve-after`, else `$BLACKBOX_RESOLVE_AFTER`.
    private var resolveAfterNanos: Int64? {
        get throws {
            if let resolveAfter { return resolveAfter.nanos }
            guard let text = ProcessInfo.processInfo.environment["BLACKBOX_RESOLVE_AFTER"] else { return nil }
            guard let duration = DurationArgument(argument: text) else {
                throw ValidationError("BLACKBOX_RESOLVE_AFTER must be a duration such as 5m or 1h (got '\(text)')")
            }
            return duration.nanos
        }
    }

    func validate() throws {
        if path?.isEmpty == true { throw ValidationError("--db must name a store file (got an empty path)") }
        _ = try resolveAfterNanos
    }

    /// The incident policy from `--resolve-after` / `BLACKBOX_RESOLVE_AFTER` (checked by ``validate()``).
    var incidentPolicy: IncidentPolicy {
        ((try? resolveAfterNanos) ?? nil).map { IncidentPolicy(resolveAfterNanos: $0) } ?? IncidentPolicy()
    }

    /// Opens the store for reading; it must exist.
    func openForReading() throws -> EventStore {
        try EventStore(path: resolvedPath, readOnly: true, incidentPolicy: incidentPolicy)
    }

    /// Opens (creating and migrating when needed) the store for writing. The default location's directories are
    /// created; a path given with `--db` or `$BLACKBOX_DB` must be in an existing directory.
    func openForWriting(memory: EventStore.Memory = .standard) throws -> EventStore {
        let environment = ProcessInfo.processInfo.environment
        let isDefault = path == nil && (environment["BLACKBOX_DB"] ?? "").isEmpty
        return try EventStore(path: resolvedPath, createDirectory: isDefault, incidentPolicy: incidentPolicy, memory: memory)
    }

    /// The containers a `--container`/argument names: every container that had the name, else the one whose id starts with it.
    ///
    /// - Throws: ``CLIError`` when none does, or when an id prefix fits several.
    static func containerIDs(_ nameOrID: String, in store: EventStore) throws -> [String] {
        let named = try store.containerIDs(named: nameOrID)
        guard named.isEmpty else { return named }
        let ids = try store.containerIDs(withPrefix: nameOrID)
        guard !ids.isEmpty else { throw CLIError.unknownContainer(nameOrID) }
        guard ids.count == 1 else { throw CLIError.ambiguousContainer(nameOrID, ids) }
        return ids
    }
}

/// `--host`: which engine, like the docker CLI.
struct EngineOptions: ParsableArguments {
    @Option(name: [.customShort("H"), .customLong("host")], help: ArgumentHelp("The engine address (default: $DOCKER_HOST, else unix:///var/run/docker.sock).", valueName: "address"))
    var host: String?

    func address() throws -> EngineAddress {
        try EngineAddress.resolve(flag: host, environment: ProcessInfo.processInfo.environment)
    }
}

/// `--json`.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of a table.")
    var json = false
}

/// `--log-level`.
struct LoggingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: Logger.Level = .info

    /// Bootstraps swift-log once (to standard error) and returns a logger at the chosen level.
    func makeLogger(label: String) -> Logger {
        LoggingBootstrap.once()
        var logger = Logger(label: label)
        logger.logLevel = logLevel
        return logger
    }
}

enum LoggingBootstrap {
    private static let done: Void = LoggingSystem.bootstrap(StreamLogHandler.standardError)
    static func once() { _ = done }
}

/// `--since` / `--until`: a duration back from now (`90s`, `10m`, `2h`, `1d`, `1h30m`), an RFC 3339 timestamp,
/// or Unix seconds (fractions allowed), as `docker events` takes them.
///
/// A time Int64 nanoseconds cannot hold (before 1677, after 2262) is invalid; one outside the times the store accepts
/// (``Timestamp/acceptedNanos``, 1970–2100) is clamped to just outside them, which selects the same rows and keeps
/// every computation on it (a window, a duration back) inside Int64.
struct TimeArgument: ExpressibleByArgument, Sendable {
    let unixNanos: Int64

    init?(argument: String) {
        guard let value = TimeArgument.parse(argument, now: Date()) else { return nil }
        unixNanos = value
    }

    static func parse(_ text: String, now: Date) -> Int64? {
        let nowNanos = Int64(now.timeIntervalSince1970 * 1e9)
        let parsed: Int64?
        if let duration = Timestamp.durationNanos(text) {
            parsed = nowNanos - duration
        } else if let nanos = Timestamp.unixNanos(rfc3339: text) {
            parsed = nanos
        } else if let seconds = Double(text), seconds >= 0, seconds * 1e9 <= 2 * Timestamp.maximumNanos {
            parsed = Int64(seconds * 1e9)
        } else {
            parsed = nil
        }
        return parsed.map { min(max($0, Timestamp.acceptedNanos.lowerBound - 1), Timestamp.acceptedNanos.upperBound + 1) }
    }

    static let help = "A duration back from now (10m, 2h, 1d), an RFC 3339 timestamp (years 1677–2262), or Unix seconds."
}
