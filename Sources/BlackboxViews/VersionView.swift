import DockerEngine

/// blackbox's version and the engine it talks to (`version --json`), from `GET /version`.
public struct VersionView: Codable, Sendable, Equatable {
    public var blackbox: String
    public var engineAddress: String
    /// `docker` or `podman`, its name as people write it, and its release (`20.10.24+dfsg1`).
    public var engine: String
    public var engineName: String
    public var engineVersion: String
    /// The newest Engine API version the engine speaks, the one blackbox uses with it, and the oldest blackbox accepts.
    public var engineAPIVersion: String
    public var apiVersion: String
    public var minimumAPIVersion: String

    enum CodingKeys: String, CodingKey {
        case blackbox, engine
        case engineAddress = "engine_address"
        case engineName = "engine_name"
        case engineVersion = "engine_version"
        case engineAPIVersion = "engine_api_version"
        case apiVersion = "api_version"
        case minimumAPIVersion = "minimum_api_version"
    }

    public init(blackbox: String, address: String, version: EngineVersion, apiVersion: String, minimumAPIVersion: String) {
        self.blackbox = blackbox
        engineAddress = address
        engine = version.product.rawValue
        engineName = version.product.name
        engineVersion = version.version
        engineAPIVersion = version.apiVersion
        self.apiVersion = apiVersion
        self.minimumAPIVersion = minimumAPIVersion
    }
}
