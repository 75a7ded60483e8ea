import AsyncHTTPClient
import NIOCore

extension DockerClient {
    /// `GET /containers/{id}/archive?path=PATH`: the first entry of the tar stream the engine sends for one path of a
    /// container's file system, mounts included; works on stopped containers. Reads only as much of the stream as the
    /// entry needs (a regular file's first `maximumBytes`), then closes it.
    ///
    /// - Parameter maximumBytes: how much of a regular file to read, in bytes.
    /// - Throws: ``EngineError/notFound(path:message:)`` when the container or the path does not exist;
    ///   ``EngineError/decoding(path:reason:)`` when the answer is not a tar stream blackbox can read.
    public func archiveEntry(_ id: String, path: String, maximumBytes: Int = 4096) async throws -> ArchiveEntry {
        let endpoint = "/containers/\(id)/archive"
        let response = try await send(method: .GET, path: endpoint, query: ["path": path], timeout: .seconds(10))
        let limit = ArchiveEntry.maximumStreamBytes(maximumBytes: maximumBytes)
        var bytes: [UInt8] = []
        var outcome = ArchiveEntry.Outcome.needMore
        do {
            for try await chunk in response.body {
                bytes += chunk.readableBytesView.prefix(limit - bytes.count)
                outcome = ArchiveEntry.parse(bytes, maximumBytes: maximumBytes)
                if outcome != .needMore || bytes.count >= limit { break }
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw EngineError.unreachable(address: address.description, reason: String(describing: error))
        }
        switch outcome {
        case .entry(let entry): return entry
        case .malformed(let reason): throw EngineError.decoding(path: endpoint, reason: reason)
        case .needMore: throw EngineError.decoding(path: endpoint, reason: "the tar stream ended after \(bytes.count) bytes, inside its first entry")
        }
    }
}
