/// An element of ``DockerClient/events(since:maximumLineBytes:)``: a decoded event, or a line that was rejected.
public enum EventStreamElement: Sendable, Equatable {
    case event(EngineEvent)
    /// A line that is not an event blackbox can store parsed — bad bytes, bad JSON, a missing or mistyped field,
    /// an unknown `Type`, or over the line bound — with its first bytes (at most ``maximumKeptBytes``) and why.
    case malformed(raw: [UInt8], reason: EventDecodingError)

    /// The most bytes of a rejected line kept (64 KiB); its length is in the reason when it was oversized.
    public static let maximumKeptBytes = 64 << 10

    static func keptPrefix(_ bytes: [UInt8]) -> [UInt8] {
        bytes.count > maximumKeptBytes ? Array(bytes.prefix(maximumKeptBytes)) : bytes
    }
}

/// Counts of the elements of an event stream by outcome, for the recorder's status: how many lines became events,
/// and how many were rejected for each kind of reason.
public struct EventDecodingCounts: Sendable, Equatable {
    /// Lines decoded into events.
    public private(set) var decoded = 0
    /// Lines rejected, by the kind of reason.
    public private(set) var rejected: [EventDecodingError.Kind: Int] = [:]

    public init() {}

    /// Counts one element.
    public mutating func count(_ element: EventStreamElement) {
        switch element {
        case .event: decoded += 1
        case .malformed(_, let reason): rejected[reason.kind, default: 0] += 1
        }
    }

    /// Lines rejected for any reason.
    public var totalRejected: Int { rejected.values.reduce(0, +) }
}
