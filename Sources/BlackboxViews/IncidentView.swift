import BlackboxCore
import BlackboxStore
import DockerEngine
import Playbooks

/// An incident with everything `incident show` explains — its diagnosis and alternatives, each occurrence's
/// diagnosis, the log tail and events of the failure it is diagnosed by, its compose context — as one value every
/// interface shows the same way (`incident show --json` is this value, encoded).
///
/// Encoded, the fields of ``summary`` come first-level beside the others (`id`, `container_id`, …, `matches`).
public struct IncidentView: Codable, Sendable, Equatable {
    public var summary: IncidentSummaryView
    /// The occurrence whose matches are the incident's diagnosis (1 for the first failure).
    public var diagnosedOccurrence: Int
    /// The incident's matches, best first.
    public var matches: [MatchView]
    public var occurrenceDiagnoses: [OccurrenceView]
    /// The log tail of the diagnosed occurrence, redacted as stored.
    public var logTail: [LogLineView]
    /// The incident's window of rows, in order.
    public var events: [EventView]
    public var compose: ComposeView?

    enum CodingKeys: String, CodingKey {
        case matches, events, compose
        case diagnosedOccurrence = "diagnosed_occurrence"
        case occurrenceDiagnoses = "occurrence_diagnoses"
        case logTail = "log_tail"
    }

    /// - Parameters:
    ///   - matches: the incident's matches, best first; `occurrenceMatches`: each occurrence's, by its number.
    ///   - now: Unix nanoseconds, for the status.
    public init(
        incident: IncidentState, matches: [PlaybookMatchRecord], occurrenceMatches: [Int: [PlaybookMatchRecord]], evidence: IncidentEvidence,
        now: Int64, policy: IncidentPolicy
    ) {
        summary = IncidentSummaryView(incident, best: matches.first, now: now, policy: policy)
        let diagnosed = Self.diagnosedContext(evidence, matches: matches)
        diagnosedOccurrence = diagnosed?.occurrence ?? 1
        self.matches = matches.map(MatchView.init)
        occurrenceDiagnoses = evidence.occurrences.map { OccurrenceView($0, incident: incident, matches: occurrenceMatches[$0.occurrence] ?? []) }
        logTail = diagnosed.map { context in
            context.logLines.indices.map { index in
                LogLineView(context.logLines[index], redactedValues: context.redactedPerLine.indices.contains(index) ? context.redactedPerLine[index] : 0)
            }
        } ?? []
        events = evidence.events.map { EventView($0) }
        compose = evidence.compose.map(ComposeView.init)
    }

    /// The occurrence the incident's diagnosis was made from (its rank-1 match's), else the first; nil without any.
    public static func diagnosedContext(_ evidence: IncidentEvidence, matches: [PlaybookMatchRecord]) -> IncidentContext? {
        guard !evidence.occurrences.isEmpty else { return nil }
        return evidence.occurrences[min(max(matches.first?.occurrence ?? 1, 1), evidence.occurrences.count) - 1]
    }

    public init(from decoder: any Decoder) throws {
        summary = try IncidentSummaryView(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        diagnosedOccurrence = try container.decode(Int.self, forKey: .diagnosedOccurrence)
        matches = try container.decode([MatchView].self, forKey: .matches)
        occurrenceDiagnoses = try container.decode([OccurrenceView].self, forKey: .occurrenceDiagnoses)
        logTail = try container.decode([LogLineView].self, forKey: .logTail)
        events = try container.decode([EventView].self, forKey: .events)
        compose = try container.decodeIfPresent(ComposeView.self, forKey: .compose)
    }

    public func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(diagnosedOccurrence, forKey: .diagnosedOccurrence)
        try container.encode(matches, forKey: .matches)
        try container.encode(occurrenceDiagnoses, forKey: .occurrenceDiagnoses)
        try container.encode(logTail, forKey: .logTail)
        try container.encode(events, forKey: .events)
        try container.encodeIfPresent(compose, forKey: .compose)
    }
}

/// One failure of an incident and its own diagnosis.
public struct OccurrenceView: Codable, Sendable, Equatable {
    /// 1 for the incident's first failure.
    public var occurrence: Int
    public var trigger: String
    public var triggers: [String]
    /// When it failed, Unix nanoseconds.
    public var timeNanos: Int64
    public var exitCode: Int?
    /// How long it had run before it failed, nanoseconds.
    public var ranForNanos: Int64?
    /// Its diagnosis's playbook id; `null` when no playbook matched.
    public var playbook: String?
    /// The most informative line of its log tail (``ErrorLine``).
    public var errorLine: String?
    public var matches: [MatchView]

    enum CodingKeys: String, CodingKey {
        case occurrence, trigger, triggers, playbook, matches
        case timeNanos = "time_ns"
        case exitCode = "exit_code"
        case ranForNanos = "ran_for_ns"
        case errorLine = "error_line"
    }

    public init(_ context: IncidentContext, incident: IncidentState, matches: [PlaybookMatchRecord]) {
        let summary = context.history.last
        occurrence = context.occurrence
        trigger = summary?.triggers.first ?? incident.trigger
        triggers = summary?.triggers ?? []
        timeNanos = summary?.failedNanos ?? incident.lastNanos
        exitCode = summary?.exitCode
        ranForNanos = summary?.ranForNanos
        playbook = matches.first?.playbookID
        errorLine = ErrorLine.mostInformative(context.logLines)?.text
        self.matches = matches.map(MatchView.init)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(occurrence, forKey: .occurrence)
        try container.encode(trigger, forKey: .trigger)
        try container.encode(triggers, forKey: .triggers)
        try container.encode(timeNanos, forKey: .timeNanos)
        try container.encodeIfPresent(exitCode, forKey: .exitCode)
        try container.encodeIfPresent(ranForNanos, forKey: .ranForNanos)
        // Always present: `null` says that no playbook matched this failure.
        try container.encode(playbook, forKey: .playbook)
        try container.encodeIfPresent(errorLine, forKey: .errorLine)
        try container.encode(matches, forKey: .matches)
    }
}

/// One line of a log tail as stored: redacted, with how many values were replaced in it.
public struct LogLineView: Codable, Sendable, Equatable {
    /// `stdout`, `stderr` or `tty`.
    public var stream: String
    public var text: String
    /// The engine's timestamp of the line, Unix nanoseconds (0 when it carried none).
    public var timeNanos: Int64
    public var redactedValues: Int

    enum CodingKeys: String, CodingKey {
        case stream, text
        case timeNanos = "time_ns"
        case redactedValues = "redacted_values"
    }

    public init(_ line: LogLine, redactedValues: Int) {
        stream = line.stream.rawValue
        text = line.text
        timeNanos = line.timeNanos ?? 0
        self.redactedValues = redactedValues
    }
}

/// The compose project and service of an incident's container, and the incidents of its dependencies just before.
public struct ComposeView: Codable, Sendable, Equatable {
    public var project: String
    public var service: String
    public var configFiles: [String]
    public var dependsOn: [String]
    /// Where `depends_on` was read: the compose files, or the engine's labels.
    public var dependsOnSource: String
    public var precededBy: [PrecedingIncident]

    /// An incident of a dependency that came just before this one.
    public struct PrecedingIncident: Codable, Sendable, Equatable {
        public var incident: Int64
        public var service: String
        public var triggers: [String]
        /// When it last failed, Unix nanoseconds.
        public var lastNanos: Int64

        enum CodingKeys: String, CodingKey {
            case incident, service, triggers
            case lastNanos = "last_ns"
        }
    }

    enum CodingKeys: String, CodingKey {
        case project, service
        case configFiles = "config_files"
        case dependsOn = "depends_on"
        case dependsOnSource = "depends_on_source"
        case precededBy = "preceded_by"
    }

    public init(_ compose: ComposeContext) {
        project = compose.project
        service = compose.service
        configFiles = compose.configFiles
        dependsOn = compose.dependsOn
        dependsOnSource = compose.dependenciesSource
        precededBy = compose.precedingIncidents.map {
            PrecedingIncident(incident: $0.id ?? 0, service: $0.composeService ?? "", triggers: $0.triggerKinds, lastNanos: $0.lastNanos)
        }
    }
}
