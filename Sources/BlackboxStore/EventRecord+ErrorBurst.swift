import DockerEngine
import Foundation

extension EventRecord {
    /// A burst of error lines in a running container's logs (``ErrorBurst/phase`` `start`), or its end (`end`: no
    /// error line for the quiet period), as the recorder's log follower decided. The lines are redacted before the
    /// row is built.
    ///
    /// Keyed by the container's run, the phase and the moment the burst began, so the same transition is stored once.
    public static func errorBurst(_ burst: ErrorBurst, of inspect: ContainerInspect, timeNanos: Int64) -> EventRecord {
        EventRecord(
            timeNanos: timeNanos, kind: .errorBurst, containerID: inspect.id, containerName: inspect.name, image: inspect.config.image,
            composeProject: inspect.config.labels[ComposeLabel.project], composeService: inspect.config.labels[ComposeLabel.service],
            deduplicationKey: "error_burst|\(inspect.id)|\(burst.startedNanos)|\(burst.phase.rawValue)|\(burst.sinceNanos)", payload: json(burst))
    }

    /// The `error_burst` payload.
    public struct ErrorBurst: Codable, Sendable, Equatable {
        /// `start`: at least `threshold` error lines within `window_ns`; `end`: none for the quiet period.
        public enum Phase: String, Codable, Sendable {
            case start, end
        }

        public var phase: Phase
        /// Error lines counted: within the window that started the burst (`start`), or over the whole burst (`end`).
        public var errorLines: Int
        /// The error lines that start a burst, and the window (nanoseconds) they must fall within.
        public var threshold: Int
        public var windowNanos: Int64
        /// When the burst began (its first error line) and, for `end`, its last error line; Unix nanoseconds.
        public var sinceNanos: Int64
        public var lastNanos: Int64
        /// The error lines that started it, oldest first, at most a few dozen (`start` only), redacted.
        public var lines: [LogLine]
        /// Values the redactor replaced in each of `lines`; absent when none.
        public var redacted: [Int]?
        /// The most informative of `lines` (``lines`` holds it too): what a person would quote.
        public var mostInformative: String?
        /// Reads of the burst that returned as many new lines as the follower's cap: lines beyond it may be missing.
        public var cappedReads: Int
        /// The container's `State.StartedAt` for the run, Unix nanoseconds.
        public var startedNanos: Int64

        public init(
            phase: Phase, errorLines: Int, threshold: Int, windowNanos: Int64, sinceNanos: Int64, lastNanos: Int64, lines: [LogLine],
            redacted: [Int]?, mostInformative: String?, cappedReads: Int, startedNanos: Int64
        ) {
            self.phase = phase
            self.errorLines = errorLines
            self.threshold = threshold
            self.windowNanos = windowNanos
            self.sinceNanos = sinceNanos
            self.lastNanos = lastNanos
            self.lines = lines
            self.redacted = redacted
            self.mostInformative = mostInformative
            self.cappedReads = cappedReads
            self.startedNanos = startedNanos
        }

        enum CodingKeys: String, CodingKey {
            case phase, threshold, lines, redacted
            case errorLines = "error_lines"
            case windowNanos = "window_ns"
            case sinceNanos = "since_ns"
            case lastNanos = "last_ns"
            case mostInformative = "most_informative"
            case cappedReads = "capped_reads"
            case startedNanos = "started_ns"
        }

        /// Decodes an `error_burst` row's payload; nil when it is not one.
        public static func decode(_ record: EventRecord) -> ErrorBurst? {
            guard record.kind == .errorBurst else { return nil }
            return try? JSONDecoder().decode(ErrorBurst.self, from: Data(record.payload.utf8))
        }
    }
}
