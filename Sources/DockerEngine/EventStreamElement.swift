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
