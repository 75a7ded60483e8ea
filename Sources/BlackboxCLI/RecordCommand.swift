import ArgumentParser
import BlackboxStore
import DockerEngine
import Foundation
import Recorder
import Logging
import ServiceLifecycle
import UnixSignals

struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record the engine's events, inspect snapshots, log tails and resource samples into the store.",
        discussion: """
            Runs until SIGINT or SIGTERM, then stops its subscriptions, commits what it has observed, closes the store and \
            exits 0 (within 2 seconds). A second signal exits at once, with status 128 + the signal number; the store stays \
            intact (every commit is atomic), only rows not yet committed are lost.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var engine: EngineOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var playbooks: PlaybookOptions
    @OptionGroup var retention: RetentionOptions

    @Option(help: ArgumentHelp("Time between two resource samples of a running container (500ms, 2s, 1m).", valueName: "duration"))
    var interval = DurationArgument("2s")

    @Option(
        name: [.customLong("redact-pattern"), .customLong("redact")],
        help: ArgumentHelp(
            "Also redact values whose names contain this, case-insensitive: environment variables, labels, command-line flags (--NAME value, NAME=value) and log lines (repeatable; also $BLACKBOX_REDACT, comma-separated). Always redacted: \(CredentialRedactor.defaultPatterns.joined(separator: ", ")).",
            valueName: "fragment"))
    var redact: [String] = []

    @Option(
        help: ArgumentHelp(
            "Where resource samples come from: cgroup (the container's cgroup files; the engine must be on this host), api (the engine's stats API), or auto (cgroup when it can, else api).",
            valueName: "api|cgroup|auto"))
    var sampler = SamplerMode.auto

    @Option(
        name: .customLong("error-bursts"),
        help: ArgumentHelp(
            "Follow the logs of running containers (at most 32, the last 200 lines every 5 s) and open a warning incident on a burst of error lines (5 within 10 s): on or off.",
            valueName: "on|off"))
    var errorBursts = Switch.on

    func validate() throws {
        guard interval.nanos >= 100_000_000 else {
            throw ValidationError("--interval must be at least 100ms, such as 2s or 500ms (got '\(interval.text)')")
        }
    }

    func run() async throws {
        let logger = logging.makeLogger(label: "blackbox.record")
        let fromEnvironment = (ProcessInfo.processInfo.environment["BLACKBOX_REDACT"] ?? "").split(separator: ",").map(String.init)
        let configuration = RecorderConfiguration(
            sampleInterval: .nanoseconds(interval.nanos),
            redactor: CredentialRedactor(patterns: CredentialRedactor.defaultPatterns + redact + fromEnvironment),
            retention: retention.policy, sampler: sampler,
            errorBursts: errorBursts == .on ? ErrorBurstPolicy() : nil)
        let address = try engine.address()
        if configuration.sampler == .cgroup, case .tcp = address.transport {
            throw ValidationError("--sampler cgroup needs the engine on this host (a unix socket); \(address) is a tcp address: use --sampler api or auto")
        }
        // The engine first: when it cannot be reached, nothing is created on disk.
        let client = try await DockerClient.connect(to: address, logger: logger)
        let store: EventStore
        let lock: RecorderLock
        do {
            store = try self.store.openForWriting(memory: .small)
            lock = try RecorderLock.acquire(storePath: store.path)
        } catch {
            await client.shutdown()
            throw error
        }
        let storePath = store.path
        let recorder = Recorder(
            client: client, store: store, configuration: configuration, playbooks: try playbooks.load().playbooks, logger: logger
        ) { ready in
            let line =
                "blackbox: recording \(ready.address) (\(ready.engineVersion), API \(ready.apiVersion)) into \(storePath): \(ready.containers) containers, \(ready.running) running\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: recorder)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .milliseconds(1500)
        let group = ServiceGroup(configuration: groupConfiguration)
        let secondSignal = Task { await Self.exitOnSecondSignal(logger: logger) }
        defer { secondSignal.cancel() }
        do {
            try await group.run()
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        withExtendedLifetime(lock) {}
    }

    /// The first SIGINT/SIGTERM starts the graceful shutdown (the `ServiceGroup` handles it); a second one ends
    /// the process at once.
    private static func exitOnSecondSignal(logger: Logger) async {
        var received = 0
        for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
            received += 1
            if received >= 2 {
                logger.warning("second signal: exiting at once", metadata: ["signal": "\(signal)"])
                Foundation.exit(128 + signal.rawValue)
            }
        }
    }
}
