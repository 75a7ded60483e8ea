import Foundation

/// One line of the engine's `GET /events` stream (Engine API ≥ 1.41), decoded, with the verbatim JSON kept.
///
/// Unknown actions and fields are accepted as they come; `Type` (one of ``knownTypes``), `Action` and a time are required.
public struct EngineEvent: Sendable, Equatable {
    /// `Type`: `container`, `network`, `image`, `volume`, `daemon`, `plugin`, `service`, `node`, `secret`, `config`.
    public let type: String
    /// `Action` verbatim, suffix included: `die`, `health_status: unhealthy`, `exec_start: sh -c …`.
    public let action: String
    /// `Actor.ID`: the container id for container events, the network id for network events.
    public let actorID: String
    /// `Actor.Attributes`: labels, `name`, `image`, `exitCode`, `signal`, `container` (network events), ….
    public let attributes: [String: String]
    /// `scope`: `local` or `swarm`, when sent.
    public let scope: String?
    /// `timeNano`: Unix nanoseconds (from `time`, Unix seconds, when `timeNano` is absent).
    public let timeNano: Int64
    /// The line exactly as the engine sent it (UTF-8 JSON).
    public let raw: String

    public init(type: String, action: String, actorID: String, attributes: [String: String], scope: String?, timeNano: Int64, raw: String) {
        self.type = type
        self.action = action
        self.actorID = actorID
        self.attributes = attributes
        self.scope = scope
        self.timeNano = timeNano
        self.raw = raw
    }

    /// The action without its suffix: `health_status` for `health_status: unhealthy`.
    public var baseAction: String {
        guard let colon = action.firstIndex(of: ":") else { return action }
        return String(action[..<colon])
    }

    /// The suffix after `: `, e.g. `unhealthy` for `health_status: unhealthy`; nil when there is none.
    public var actionDetail: String? {
        guard let colon = action.firstIndex(of: ":") else { return nil }
        return action[action.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    /// The container the event is about: the actor for container events, the `container` attribute for network events.
    public var containerID: String? {
        switch type {
        case "container": actorID.isEmpty ? nil : actorID
        case "network": attributes["container"]
        default: nil
        }
    }

    /// `exitCode` attribute of `die` events.
    public var exitCode: Int? { attributes["exitCode"].flatMap { Int($0) } }
    /// `signal` attribute of `kill` events (a number such as `15`, or a name).
    public var signal: String? { attributes["signal"] }
    /// The container name (`name` attribute of container events).
    public var containerName: String? { type == "container" ? attributes["name"] : nil }
    /// The image (`image` attribute of container events).
    public var image: String? { type == "container" ? attributes["image"] : nil }
    /// Compose project from the `com.docker.compose.project` label.
    public var composeProject: String? { attributes[ComposeLabel.project] }
    /// Compose service from the `com.docker.compose.service` label.
    public var composeService: String? { attributes[ComposeLabel.service] }

    /// Identifies the event across redeliveries (a resubscription with `since` replays events):
    /// the same engine event always yields the same key.
    public var deduplicationKey: String {
        "\(timeNano)|\(type)|\(action)|\(actorID)"
    }

    /// The `Type`s of the Engine API's `/events` (1.41–1.47). A line of another type is rejected as
    /// ``EventDecodingError/unknownType(_:)``.
    public static let knownTypes: Set<String> = [
        "builder", "config", "container", "daemon", "image", "network", "node", "plugin", "secret", "service", "volume",
    ]

    /// Decodes one line of `/events`.
    ///
    /// - Throws: ``EventDecodingError`` naming what is wrong: not UTF-8, not JSON, a field of the wrong type,
    ///   a missing field, a time outside ``Timestamp/acceptedNanos`` (as `wrongFieldType` of `timeNano`), or a
    ///   `Type` the Engine API does not have.
    public static func decode(line: [UInt8]) throws(EventDecodingError) -> EngineEvent {
        guard let raw = String(validating: line, as: UTF8.self) else { throw .invalidUTF8 }
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(line))
        } catch let error as DecodingError {
            throw Self.reason(error)
        } catch {
            throw .invalidJSON(String(describing: error))
        }
        guard let type = wire.type, !type.isEmpty else { throw .missingField("Type") }
        guard let action = wire.action ?? wire.status, !action.isEmpty else { throw .missingField("Action") }
        guard let timeNano = wire.timeNano ?? wire.time.map({ $0.multipliedReportingOverflow(by: 1_000_000_000) }).map({ $0.overflow ? Int64.max : $0.partialValue })
        else { throw .missingField("timeNano") }
        if let reason = Timestamp.rejection(unixNanos: timeNano, field: "timeNano") { throw .wrongFieldType(field: "timeNano", detail: reason) }
        guard knownTypes.contains(type) else { throw .unknownType(type) }
        return EngineEvent(
            type: type,
            action: action,
            actorID: wire.actor?.id ?? wire.id ?? "",
            attributes: wire.actor?.attributes ?? [:],
            scope: wire.scope,
            timeNano: timeNano,
            raw: raw
        )
    }

    private static func reason(_ error: DecodingError) -> EventDecodingError {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? .invalidJSON("not a JSON object") : .wrongFieldType(field: path, detail: context.debugDescription)
        case .keyNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
            return .invalidJSON(path.isEmpty ? detail : "\(path): \(detail)")
        @unknown default:
            return .invalidJSON(String(describing: error))
        }
    }

    private struct Wire: Decodable {
        struct Actor: Decodable {
            let id: String?
            let attributes: [String: String]?
            enum CodingKeys: String, CodingKey {
                case id = "ID"
                case attributes = "Attributes"
            }
        }
        let type: String?
        let action: String?
        let status: String?
        let id: String?
        let actor: Actor?
        let scope: String?
        let time: Int64?
        let timeNano: Int64?
        enum CodingKeys: String, CodingKey {
            case type = "Type"
            case action = "Action"
            case actor = "Actor"
            case status, id, scope, time, timeNano
        }
    }
}

/// Why a line of `/events` was rejected.
public enum EventDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidUTF8
    /// Not JSON, or not a JSON object: the parser's message.
    case invalidJSON(String)
    case missingField(String)
    /// A field of another JSON type than the Engine API's (`timeNano` as a string): its path and the decoder's message.
    case wrongFieldType(field: String, detail: String)
    /// A `Type` the Engine API does not have (see ``EngineEvent/knownTypes``).
    case unknownType(String)
    /// Longer than the line bound: the line's length and the bound, bytes.
    case oversized(byteCount: Int, limit: Int)

    /// The reason's kind, for counting: `invalid_utf8`, `invalid_json`, `missing_field`, `wrong_field_type`,
    /// `unknown_type`, `oversized`.
    public var kind: Kind {
        switch self {
        case .invalidUTF8: .invalidUTF8
        case .invalidJSON: .invalidJSON
        case .missingField: .missingField
        case .wrongFieldType: .wrongFieldType
        case .unknownType: .unknownType
        case .oversized: .oversized
        }
    }

    public enum Kind: String, Sendable, CaseIterable, Comparable {
        case invalidUTF8 = "invalid_utf8"
        case invalidJSON = "invalid_json"
        case missingField = "missing_field"
        case wrongFieldType = "wrong_field_type"
        case unknownType = "unknown_type"
        case oversized

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var description: String {
        switch self {
        case .invalidUTF8: "the line is not valid UTF-8"
        case .invalidJSON(let reason): "not a valid event: \(reason)"
        case .missingField(let field): "the event has no \(field)"
        case .wrongFieldType(let field, let detail): "the event's \(field) has the wrong type: \(detail)"
        case .unknownType(let type): "unknown event type '\(type)'"
        case .oversized(let byteCount, let limit): "the line is \(byteCount) bytes, over the \(limit)-byte bound"
        }
    }
}

/// The labels Docker Compose puts on the containers it creates.
public enum ComposeLabel {
    public static let project = "com.docker.compose.project"
    public static let service = "com.docker.compose.service"
}
