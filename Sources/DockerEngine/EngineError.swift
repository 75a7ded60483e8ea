import Foundation

/// What can go wrong talking to the Docker engine. Each case says which address or endpoint, and what to try.
public enum EngineError: Error, Sendable, Equatable, LocalizedError {
    /// The engine address (from `--host` or `DOCKER_HOST`) cannot be used.
    case invalidAddress(String, reason: String)
    /// No connection could be made, or it broke: the engine is down, the socket is missing or not permitted.
    case unreachable(address: String, reason: String)
    /// The engine speaks an Engine API older than blackbox's minimum.
    case unsupportedAPIVersion(address: String, engineVersion: String, minimum: String)
    /// The engine answered 404 for the object: the container (or image) is gone.
    case notFound(path: String, message: String)
    /// Any other non-2xx answer, with the engine's own `message`.
    case http(status: Int, path: String, message: String)
    /// The engine's answer could not be decoded as the documented shape.
    case decoding(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .invalidAddress(let address, let reason):
            "invalid Docker engine address '\(address)': \(reason)"
        case .unreachable(let address, let reason):
            "cannot reach the Docker engine at \(address): \(reason). Is dockerd running? Point --host or DOCKER_HOST at its socket (e.g. unix:///var/run/docker.sock) and check that you may open it."
        case .unsupportedAPIVersion(let address, let engineVersion, let minimum):
            "the Docker engine at \(address) speaks Engine API \(engineVersion); blackbox needs \(minimum) or newer (Docker 20.10+)"
        case .notFound(let path, let message):
            "not found (\(path)): \(message)"
        case .http(let status, let path, let message):
            "the Docker engine answered \(status) to \(path): \(message)"
        case .decoding(let path, let reason):
            "cannot decode the engine's answer to \(path): \(reason)"
        }
    }
}
