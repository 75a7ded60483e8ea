import Foundation

/// Where the Docker engine listens, as the docker CLI spells it.
///
/// Accepted forms: `unix:///path/to/docker.sock` and `tcp://host:port` (plain HTTP; TLS is not supported).
/// Resolution order: the `--host` flag, then `DOCKER_HOST`, then ``EngineAddress/defaultAddress``.
public struct EngineAddress: Sendable, Equatable, CustomStringConvertible {
    public enum Transport: Sendable, Equatable {
        case unixSocket(path: String)
        case tcp(host: String, port: Int)
    }

    /// The engine's default socket on Linux.
    public static let defaultAddress = "unix:///var/run/docker.sock"

    public let transport: Transport

    /// Parses an address such as `unix:///var/run/docker.sock` or `tcp://127.0.0.1:2375`.
    ///
    /// - Throws: ``EngineError/invalidAddress(_:reason:)`` for any other scheme or a malformed address.
    public init(parsing text: String) throws {
        if text.hasPrefix("unix://") {
            let path = String(text.dropFirst("unix://".count))
            guard path.hasPrefix("/") else {
                throw EngineError.invalidAddress(text, reason: "a unix socket address needs an absolute path, as in unix:///var/run/docker.sock")
            }
            transport = .unixSocket(path: path)
        } else if text.hasPrefix("tcp://") {
            let rest = text.dropFirst("tcp://".count).split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
            guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port) else {
                throw EngineError.invalidAddress(text, reason: "a tcp address needs a host and a port, as in tcp://127.0.0.1:2375")
            }
            transport = .tcp(host: String(rest[..<colon]), port: port)
        } else {
            throw EngineError.invalidAddress(text, reason: "only unix:// and tcp:// addresses are supported")
        }
    }

    /// The address to use: `flag` when given, else `DOCKER_HOST` from `environment`, else the default socket.
    ///
    /// - Throws: ``EngineError/invalidAddress(_:reason:)`` when the chosen address cannot be parsed.
    public static func resolve(flag: String?, environment: [String: String]) throws -> EngineAddress {
        if let flag, !flag.isEmpty { return try EngineAddress(parsing: flag) }
        if let fromEnvironment = environment["DOCKER_HOST"], !fromEnvironment.isEmpty {
            return try EngineAddress(parsing: fromEnvironment)
        }
        return try EngineAddress(parsing: defaultAddress)
    }

    public var description: String {
        switch transport {
        case .unixSocket(let path): "unix://\(path)"
        case .tcp(let host, let port): "tcp://\(host):\(port)"
        }
    }

    /// The URL AsyncHTTPClient needs for `pathAndQuery` (which starts with `/`).
    func url(_ pathAndQuery: String) -> String {
        switch transport {
        case .unixSocket(let path):
            let host = path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? path
            return "http+unix://\(host)\(pathAndQuery)"
        case .tcp(let host, let port):
            return "http://\(host):\(port)\(pathAndQuery)"
        }
    }

    /// The `Host` header: the engine answers 400 without one.
    var hostHeader: String {
        switch transport {
        case .unixSocket: "localhost"
        case .tcp(let host, let port): "\(host):\(port)"
        }
    }
}
