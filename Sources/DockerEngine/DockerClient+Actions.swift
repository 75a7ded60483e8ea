import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// The only operations that change the engine's state. blackbox calls them solely for `playbook run --apply`.
public enum ContainerOperation: String, Sendable, CaseIterable {
    case start, stop, restart, remove

    /// The Engine API request: method and path (`POST /containers/{id}/restart`).
    public func request(containerID: String) -> (method: HTTPMethod, path: String) {
        switch self {
        case .remove: (.DELETE, "/containers/\(containerID)")
        default: (.POST, "/containers/\(containerID)/\(rawValue)")
        }
    }

    /// What a user would type for the same thing.
    public func dockerCommand(container: String) -> String {
        self == .remove ? "docker rm \(container)" : "docker \(rawValue) \(container)"
    }
}

extension DockerClient {
    /// Performs `operation` on a container (`POST /containers/{id}/start|stop|restart`, `DELETE /containers/{id}`).
    ///
    /// - Throws: ``EngineError/http(status:path:message:)`` with the engine's message when it refuses (e.g. a port
    ///   is still taken), ``EngineError/notFound(path:message:)`` when the container is gone.
    public func perform(_ operation: ContainerOperation, containerID: String) async throws {
        let (method, path) = operation.request(containerID: containerID)
        _ = try await send(method: method, path: path, timeout: .seconds(60))
    }
}
