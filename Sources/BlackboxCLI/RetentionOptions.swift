import ArgumentParser
import BlackboxStore
import DockerEngine

/// `--keep-samples`, `--keep-rollups`, `--keep-events`: how long the store keeps what it records.
struct RetentionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("How long raw resource samples are kept before they are rolled up to 1-minute min/avg/max.", valueName: "duration"))
    var keepSamples: String = "7d"

    @Option(help: ArgumentHelp("How long the 1-minute roll-ups of samples are kept.", valueName: "duration"))
    var keepRollups: String = "90d"

    @Option(help: ArgumentHelp("How long events and resolved incidents are kept; open incidents and what they rest on stay.", valueName: "duration"))
    var keepEvents: String = "90d"

    func validate() throws {
        for (flag, text) in [("--keep-samples", keepSamples), ("--keep-rollups", keepRollups), ("--keep-events", keepEvents)] {
            guard let nanos = Timestamp.durationNanos(text), nanos > 0 else {
                throw ValidationError("\(flag) must be a duration such as 12h, 7d or 90d (got '\(text)')")
            }
        }
    }

    /// The policy these options describe.
    var policy: RetentionPolicy {
        RetentionPolicy(
            keepSamplesNanos: Timestamp.durationNanos(keepSamples) ?? RetentionPolicy().keepSamplesNanos,
            keepRollupsNanos: Timestamp.durationNanos(keepRollups) ?? RetentionPolicy().keepRollupsNanos,
            keepEventsNanos: Timestamp.durationNanos(keepEvents) ?? RetentionPolicy().keepEventsNanos)
    }
}
