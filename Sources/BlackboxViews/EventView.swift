import BlackboxCore
import BlackboxStore
import DockerEngine

/// One stored row as every interface shows it (`events --json`, the `events` of ``IncidentView``): its columns, its
/// time as RFC 3339, and its payload as the JSON it holds (`null` when the stored text is not JSON).
public struct EventView: Codable, Sendable, Equatable {
    public var seq: Int64
    /// Unix nanoseconds.
    public var timeNanos: Int64
    /// The same time, RFC 3339 with nanoseconds, UTC.
    public var time: String
    /// The row's kind (`engine`, `inspect`, `log_tail`, …).
    public var kind: String
    /// The engine event's `Type` and `Action` (engine rows).
    public var type: String?
    public var action: String?
    public var actorID: String?
    public var containerID: String?
    /// The name the row recorded, else the one `names` gives for its container, else its short id.
    public var containerName: String?
    public var image: String?
    public var composeProject: String?
    public var composeService: String?
    public var exitCode: Int?
    /// The `signal` attribute of a `kill` event, as the engine wrote it (`9`, `SIGTERM`).
    public var signal: String?
    public var payload: JSONValue

    enum CodingKeys: String, CodingKey {
        case seq, time, kind, type, action, image, signal, payload
        case timeNanos = "ts_ns"
        case actorID = "actor_id"
        case containerID = "container_id"
        case containerName = "container_name"
        case composeProject = "compose_project"
        case composeService = "compose_service"
        case exitCode = "exit_code"
    }

    /// - Parameter names: container names by id, for rows that recorded none.
    public init(_ event: EventRecord, names: [String: String] = [:]) {
        seq = event.seq ?? 0
        timeNanos = event.timeNanos
        time = Timestamp.rfc3339(unixNanos: event.timeNanos)
        kind = event.kind.rawValue
        type = event.type
        action = event.action
        actorID = event.actorID
        containerID = event.containerID
        containerName = event.containerID.map { Self.containerName(event, id: $0, names: names) }
        image = event.image
        composeProject = event.composeProject
        composeService = event.composeService
        exitCode = event.exitCode
        signal = event.signal
        payload = JSONValue.parse(event.payload) ?? .null
    }

    /// The row's container name, else the one `names` has for `id`, else the short id.
    public static func containerName(_ event: EventRecord, id: String, names: [String: String]) -> String {
        if let name = event.containerName, !name.isEmpty { return name }
        return names[id].flatMap { $0.isEmpty ? nil : $0 } ?? String(id.prefix(12))
    }
}
