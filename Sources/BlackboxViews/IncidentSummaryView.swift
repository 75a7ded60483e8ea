import BlackboxStore

/// An incident as a list shows it (`incidents --json`), and the head of ``IncidentView``.
public struct IncidentSummaryView: Codable, Sendable, Equatable {
    public var id: Int64
    public var containerID: String
    public var containerName: String?
    public var image: String?
    public var composeProject: String?
    public var composeService: String?
    /// The first failure's trigger (`die`, `oom`, `start_failure`, …) and every trigger kind the incident has had.
    public var trigger: String
    public var triggers: [String]
    /// When it opened and when it last failed, Unix nanoseconds.
    public var openedNanos: Int64
    public var lastNanos: Int64
    public var occurrences: Int
    public var exitCode: Int?
    /// `open` or `resolved`, as of the time the view was made.
    public var status: IncidentStatus
    public var resolvedNanos: Int64?
    /// Why it resolved (`removed`, `stable`, …).
    public var resolution: String?
    /// The `seq` of each event the incident holds.
    public var eventSeqs: [Int64]
    /// The id of the playbook whose diagnosis it has; nil when none matched or it is not diagnosed yet.
    public var playbook: String?

    enum CodingKeys: String, CodingKey {
        case id, image, trigger, triggers, occurrences, status, resolution, playbook
        case containerID = "container_id"
        case containerName = "container_name"
        case composeProject = "compose_project"
        case composeService = "compose_service"
        case openedNanos = "opened_ns"
        case lastNanos = "last_ns"
        case exitCode = "exit_code"
        case resolvedNanos = "resolved_ns"
        case eventSeqs = "event_seqs"
    }

    /// - Parameters:
    ///   - best: the incident's diagnosis (its rank-1 match), if any.
    ///   - now: Unix nanoseconds, for `status`.
    public init(_ incident: IncidentState, best: PlaybookMatchRecord?, now: Int64, policy: IncidentPolicy) {
        id = incident.id ?? 0
        containerID = incident.containerID
        containerName = incident.containerName
        image = incident.image
        composeProject = incident.composeProject
        composeService = incident.composeService
        trigger = incident.trigger
        triggers = incident.triggerKinds
        openedNanos = incident.openedNanos
        lastNanos = incident.lastNanos
        occurrences = incident.occurrences
        exitCode = incident.exitCode
        status = incident.status(now: now, policy: policy)
        resolvedNanos = incident.resolvedNanos
        resolution = incident.resolution
        eventSeqs = incident.seqs
        playbook = best?.playbookID
    }
}
