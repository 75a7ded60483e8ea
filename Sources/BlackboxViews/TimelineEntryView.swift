import DockerEngine

/// One row of a container's (or a compose project's) timeline (`timeline --json`): an event, an observation, a
/// resource run or a blind window, in words.
public struct TimelineEntryView: Codable, Sendable, Equatable {
    /// Unix nanoseconds, and the same as RFC 3339.
    public var timeNanos: Int64
    public var time: String
    /// What happened (`container die`, `log tail`, `memory`, `blind window`) and its details in words.
    public var event: String
    public var details: String
    /// The container it is about; nil for the recorder's own rows. Its name, else its short id.
    public var containerID: String?
    public var containerName: String?
    public var composeService: String?

    enum CodingKeys: String, CodingKey {
        case time, event, details
        case timeNanos = "ts_ns"
        case containerID = "container_id"
        case containerName = "container_name"
        case composeService = "compose_service"
    }

    public init(timeNanos: Int64, event: String, details: String, containerID: String?, containerName: String?, composeService: String?) {
        self.timeNanos = timeNanos
        time = Timestamp.rfc3339(unixNanos: timeNanos)
        self.event = event
        self.details = details
        self.containerID = containerID
        self.containerName = containerName
        self.composeService = composeService
    }
}
