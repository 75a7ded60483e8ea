import BlackboxStore

/// How `blackbox record` behaves.
public struct RecorderConfiguration: Sendable {
    /// Time between two resource samples of one running container (`--interval`, default 2 s).
    public var sampleInterval: Duration
    /// Log lines captured after a `die` (default 200, stdout and stderr together).
    public var logTailLines: Int
    /// How often the containers that exited are checked for a failed start the engine did not announce (default 10 s;
    /// containers still `created` are checked every second).
    public var startFailureSweepInterval: Duration
    /// Longest wait between two reconnection attempts after the engine went away (default 10 s).
    public var maximumReconnectDelay: Duration
    /// What is redacted before any write.
    public var redactor: CredentialRedactor
    /// How long the store keeps samples, roll-ups and events (`--keep-samples`, `--keep-rollups`, `--keep-events`),
    /// enforced by ``EventStore/prune(policy:now:)`` a minute after the recorder starts and then every ``pruneInterval``.
    public var retention: RetentionPolicy
    /// Time between two prunes (default 1 h).
    public var pruneInterval: Duration
    /// Where resource samples come from (`--sampler`, default ``SamplerMode/auto``).
    public var sampler: SamplerMode
    /// When a running container's memory, CPU or pids are under pressure (default ``PressurePolicy/init(memoryStart:memoryEnd:cpuStart:cpuEnd:pidsStart:pidsEnd:samplesToStart:samplesToEnd:)``).
    public var pressure: PressurePolicy
    /// When error lines in a running container's logs are a burst, and how its logs are followed; nil: they are not
    /// followed (`--error-bursts off`).
    public var errorBursts: ErrorBurstPolicy?

    public init(
        sampleInterval: Duration = .seconds(2), logTailLines: Int = 200, startFailureSweepInterval: Duration = .seconds(10),
        maximumReconnectDelay: Duration = .seconds(10), redactor: CredentialRedactor = CredentialRedactor(),
        retention: RetentionPolicy = RetentionPolicy(), pruneInterval: Duration = .seconds(3600), sampler: SamplerMode = .auto,
        pressure: PressurePolicy = PressurePolicy(), errorBursts: ErrorBurstPolicy? = ErrorBurstPolicy()
    ) {
        self.sampleInterval = sampleInterval
        self.logTailLines = logTailLines
        self.startFailureSweepInterval = startFailureSweepInterval
        self.maximumReconnectDelay = maximumReconnectDelay
        self.redactor = redactor
        self.retention = retention
        self.pruneInterval = pruneInterval
        self.sampler = sampler
        self.pressure = pressure
        self.errorBursts = errorBursts
    }
}
