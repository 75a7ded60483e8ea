import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A read-only client of the Docker Engine API over a unix socket or plain TCP.
///
/// Create it with ``connect(to:logger:)``, which pings the engine and negotiates the API version,
/// and call ``shutdown()`` when done. Every method throws ``EngineError``.
public final class DockerClient: Sendable {
    /// The oldest Engine API blackbox speaks (Docker 20.10).
    public static let minimumAPIVersion = APIVersion(1, 41)
    /// The newest Engine API blackbox has been written against; newer engines are spoken to in this version.
    public static let maximumAPIVersion = APIVersion(1, 47)

    public let address: EngineAddress
    /// The negotiated version: the engine's `ApiVersion`, capped at ``maximumAPIVersion``.
    public let apiVersion: APIVersion
    private let http: HTTPClient
    private let logger: Logger

    private init(address: EngineAddress, apiVersion: APIVersion, http: HTTPClient, logger: Logger) {
        self.address = address
        self.apiVersion = apiVersion
        self.http = http
        self.logger = logger
    }

    /// Connects to the engine at `address`: `GET /_ping`, then `GET /version` to negotiate the API version.
    ///
    /// - Throws: ``EngineError/unreachable(address:reason:)`` when no connection can be made;
    ///   ``EngineError/unsupportedAPIVersion(address:engineVersion:minimum:)`` for engines older than 1.41.
    public static func connect(to address: EngineAddress, logger: Logger = Logger(label: "blackbox.engine")) async throws -> DockerClient {
        if case .unixSocket(let path) = address.transport, !FileManager.default.fileExists(atPath: path) {
            throw EngineError.unreachable(address: address.description, reason: "the socket \(path) does not exist")
        }
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: nil)
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let probe = DockerClient(address: address, apiVersion: minimumAPIVersion, http: http, logger: logger)
        do {
            _ = try await probe.request("/_ping", versioned: false)
            let version = try await probe.version()
            guard let engineVersion = APIVersion(version.apiVersion), engineVersion >= minimumAPIVersion else {
                throw EngineError.unsupportedAPIVersion(
                    address: address.description, engineVersion: version.apiVersion, minimum: minimumAPIVersion.description)
            }
            return DockerClient(address: address, apiVersion: min(engineVersion, maximumAPIVersion), http: http, logger: logger)
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// Closes the client's connections. Call once, when no request is running.
    public func shutdown() async {
        try? await http.shutdown()
    }

    // MARK: - Endpoints

    /// `GET /version` (unversioned path), decoded and raw.
    ///
    /// - Throws: ``EngineError`` when the engine cannot be reached, answers with an error status, or sends what cannot be decoded.
    public func version() async throws -> EngineVersion {
        let body = try await request("/version", versioned: false)
        do {
            var version = try JSONDecoder().decode(EngineVersion.self, from: body)
            version.raw = String(decoding: body, as: UTF8.self)
            return version
        } catch {
            throw EngineError.decoding(path: "/version", reason: String(describing: error))
        }
    }

    /// `GET /info`: the engine's identity and configuration as JSON.
    ///
    /// - Throws: ``EngineError`` when the engine cannot be reached, answers with an error status, or sends what cannot be decoded.
    public func info() async throws -> Data {
        try await request("/info")
    }

    /// `GET /containers/json?all=…`.
    ///
    /// - Throws: ``EngineError`` when the engine cannot be reached, answers with an error status, or sends what cannot be decoded.
    public func listContainers(all: Bool = true) async throws -> [ContainerSummary] {
        let body = try await request("/containers/json", query: ["all": all ? "1" : "0"])
        do {
            return try JSONDecoder().decode([ContainerSummary].self, from: body)
        } catch {
            throw EngineError.decoding(path: "/containers/json", reason: String(describing: error))
        }
    }

    /// `GET /containers/{id}/json`: the typed subset and the whole JSON.
    ///
    /// - Throws: ``EngineError/notFound(path:message:)`` when the container is gone.
    public func inspectContainer(_ id: String) async throws -> (inspect: ContainerInspect, json: Data) {
        let body = try await request("/containers/\(id)/json")
        return (try ContainerInspect.decode(body), body)
    }

    /// `GET /containers/{id}/stats?stream=false&one-shot=true`: one reading without waiting for a second one.
    ///
    /// - Throws: ``EngineError`` when the engine cannot be reached, answers with an error status, or sends what cannot be decoded.
    public func statsOneShot(_ id: String) async throws -> StatsReading {
        try StatsReading.decode(try await request("/containers/\(id)/stats", query: ["stream": "false", "one-shot": "true"]))
    }

    /// `GET /containers/{id}/stats?stream=true`: the engine's readings, about one a second, until the container stops
    /// or the consuming task is cancelled.
    func statsStream(_ id: String) async throws -> JSONLineStream<StatsReading> {
        JSONLineStream(body: try await open("/containers/\(id)/stats", query: ["stream": "true"]), address: address.description) { line in
            try StatsReading.decode(Data(line))
        }
    }

    /// `GET /containers/{id}/logs?stdout=1&stderr=1&timestamps=1&tail=N`: the last `tail` lines, demultiplexed.
    ///
    /// - Parameter tty: the container's `Config.Tty`; TTY containers' logs are not framed.
    ///
    /// - Throws: ``EngineError`` when the engine cannot be reached, answers with an error status, or sends what cannot be decoded.
    public func logs(_ id: String, tail: Int, tty: Bool) async throws -> [LogLine] {
        let body = try await request(
            "/containers/\(id)/logs", query: ["stdout": "1", "stderr": "1", "timestamps": "1", "tail": String(tail)])
        return LogLine.parse(Array(body), tty: tty)
    }

    /// `GET /events`: subscribes to the engine's event stream. The subscription is in place when this returns.
    ///
    /// - Parameters:
    ///   - since: replay events from this Unix time in nanoseconds (the engine keeps only its last 256 events).
    ///   - until: end the stream at this Unix time in nanoseconds; with a past time, the stream holds only what the
    ///     engine's buffer keeps of `since...until` and then ends.
    ///   - maximumLineBytes: lines longer than this are reported as ``EventStreamElement/malformed(raw:reason:)``.
    /// - Returns: a stream of events and rejected lines (each with its reason); a bad line never ends it.
    ///
    /// - Throws: ``EngineError`` when the engine cannot be reached, answers with an error status, or sends what cannot be decoded.
    public func events(since: Int64? = nil, until: Int64? = nil, maximumLineBytes: Int = 1 << 20) async throws -> JSONLineStream<EventStreamElement> {
        func seconds(_ nanos: Int64) -> String { String(format: "%d.%09d", nanos / 1_000_000_000, nanos % 1_000_000_000) }
        var query: [String: String] = [:]
        if let since { query["since"] = seconds(since) }
        if let until { query["until"] = seconds(until) }
        return JSONLineStream(
            body: try await open("/events", query: query), address: address.description, decoder: .events(maximumLineBytes: maximumLineBytes))
    }

    // MARK: - Transport

    private func makeRequest(_ path: String, query: [String: String], versioned: Bool, method: HTTPMethod = .GET) -> HTTPClientRequest {
        var pathAndQuery = versioned ? "/v\(apiVersion)\(path)" : path
        if !query.isEmpty {
            var components = URLComponents()
            components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
            pathAndQuery += "?" + (components.percentEncodedQuery ?? "")
        }
        var request = HTTPClientRequest(url: address.url(pathAndQuery))
        request.method = method
        request.headers.add(name: "Host", value: address.hostHeader)
        request.headers.add(name: "User-Agent", value: "blackbox")
        return request
    }

    /// Sends a GET and returns the response once its head is in; 4xx/5xx become ``EngineError``.
    private func open(_ path: String, query: [String: String] = [:], versioned: Bool = true, timeout: TimeAmount = .seconds(30)) async throws
        -> HTTPClientResponse
    {
        try await send(method: .GET, path: path, query: query, versioned: versioned, timeout: timeout)
    }

    /// Sends a request and returns the response once its head is in; 4xx/5xx become ``EngineError``.
    func send(method: HTTPMethod, path: String, query: [String: String] = [:], versioned: Bool = true, timeout: TimeAmount = .seconds(30))
        async throws -> HTTPClientResponse
    {
        let request = makeRequest(path, query: query, versioned: versioned, method: method)
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: timeout, logger: logger)
        } catch let error as EngineError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw EngineError.unreachable(address: address.description, reason: Self.describe(error))
        }
        guard (200..<300).contains(response.status.code) else {
            let body = (try? await response.body.collect(upTo: 1 << 16)).map { Data($0.readableBytesView) } ?? Data()
            let message = (try? JSONDecoder().decode(EngineMessage.self, from: body))?.message
                ?? String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if response.status == .notFound { throw EngineError.notFound(path: path, message: message) }
            throw EngineError.http(status: Int(response.status.code), path: path, message: message)
        }
        return response
    }

    /// Sends a GET and collects the whole body (at most 64 MiB).
    private func request(_ path: String, query: [String: String] = [:], versioned: Bool = true) async throws -> Data {
        let response = try await open(path, query: query, versioned: versioned)
        do {
            return Data(try await response.body.collect(upTo: 64 << 20).readableBytesView)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw EngineError.unreachable(address: address.description, reason: Self.describe(error))
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return String(describing: error) }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)).lowercased() }
        return String(describing: error)
    }

    private struct EngineMessage: Decodable {
        let message: String
    }
}
