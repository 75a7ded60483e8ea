import AsyncHTTPClient
import NIOCore
import NIOHTTP1

extension ContainerOperation {
    /// The Engine API request: method and path (`POST /containers/{id}/restart`).
    public func request(containerID: String) -> (method: HTTPMethod, path: String) {
        switch self {
        case .remove: (.DELETE, "/containers/\(containerID)")
        default: (.POST, "/containers/\(containerID)/\(rawValue)")
        }
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
