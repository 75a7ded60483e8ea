import ArgumentParser
import BlackboxStore
import DockerEngine

/// `--keep-samples`, `--keep-rollups`, `--keep-events`: how long the store keeps what it records.
struct RetentionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("How long raw resource samples are kept before they are rolled up to 1-minute min/avg/max (12h, 7d).", valueName: "duration"))
    var keepSamples = DurationArgument("7d")

    @Option(help: ArgumentHelp("How long the 1-minute roll-ups of samples are kept.", valueName: "duration"))
    var keepRollups = DurationArgument("90d")

    @Option(help: ArgumentHelp("How long events and resolved incidents are kept; open incidents and what they rest on stay.", valueName: "duration"))
    var keepEvents = DurationArgument("90d")

    /// The policy these options describe.
    var policy: RetentionPolicy {
        RetentionPolicy(keepSamplesNanos: keepSamples.nanos, keepRollupsNanos: keepRollups.nanos, keepEventsNanos: keepEvents.nanos)
    }
}
