/// `GET /version`'s fields that blackbox reports, from Docker Engine or from Podman's Docker-compatible API.
///
/// Both answer the same top-level fields (`Version`, `ApiVersion`, `Os`, …); they differ in `Components`: Docker
/// names its daemon `Engine` (with `containerd`, `runc`, `docker-init` beside it), Podman names it `Podman Engine`
/// (with `Conmon` and `OCI Runtime (runc)` or `(crun)`), and Podman's `Version` is its own release (`4.3.1`) while `ApiVersion`
/// is the Docker API it emulates (`1.41`).
public struct EngineVersion: Sendable, Equatable, Decodable {
    /// The engine's release, e.g. `20.10.24+dfsg1` (Docker) or `4.3.1` (Podman).
    public let version: String
    /// The newest Engine API the engine speaks, e.g. `1.41`.
    public let apiVersion: String
    public let os: String?
    public let arch: String?
    public let kernelVersion: String?
    /// `Platform.Name`: `Docker Engine - Community`, empty for Debian's docker.io, `linux/amd64/debian-12` for Podman.
    public let platformName: String?
    /// `Components`, in the engine's order; empty when the engine sends none (engines before API 1.25).
    public let components: [Component]
    /// The whole answer as JSON.
    public internal(set) var raw: String = ""

    /// One entry of `Components`: its `Name` and `Version`.
    public struct Component: Sendable, Equatable, Decodable {
        public let name: String
        public let version: String

        enum CodingKeys: String, CodingKey {
            case name = "Name", version = "Version"
        }
    }

    enum CodingKeys: String, CodingKey {
        case version = "Version", apiVersion = "ApiVersion", os = "Os", arch = "Arch", kernelVersion = "KernelVersion"
        case platform = "Platform", components = "Components"
    }

    private struct Platform: Decodable {
        let name: String?

        enum CodingKeys: String, CodingKey {
            case name = "Name"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(String.self, forKey: .version)
        apiVersion = try container.decode(String.self, forKey: .apiVersion)
        os = try container.decodeIfPresent(String.self, forKey: .os)
        arch = try container.decodeIfPresent(String.self, forKey: .arch)
        kernelVersion = try container.decodeIfPresent(String.self, forKey: .kernelVersion)
        platformName = try container.decodeIfPresent(Platform.self, forKey: .platform)?.name
        components = try container.decodeIfPresent([Component].self, forKey: .components) ?? []
    }

    /// Which engine answered: Podman when a component is named `Podman Engine`, Docker otherwise (Docker's daemon is
    /// the component `Engine`; an engine with no `Components` is taken for Docker, the API's author).
    public var product: EngineProduct {
        components.contains { $0.name == "Podman Engine" } ? .podman : .docker
    }

    /// The product and its release, as a person names it: `Docker 20.10.24+dfsg1`, `Podman 4.3.1`.
    public var productDescription: String {
        "\(product.shortName) \(version)"
    }
}

/// The engine behind the Docker Engine API: what `blackbox version` and `record` report, and what the recorder adapts
/// to (``EngineProduct/podman`` announces no OOM kill and keeps no start error: see the README's table).
public enum EngineProduct: String, Sendable, Equatable, CaseIterable {
    /// Docker Engine (`dockerd`).
    case docker
    /// Podman's Docker-compatible API (`podman system service`).
    case podman

    /// `Docker Engine` or `Podman`.
    public var name: String {
        switch self {
        case .docker: "Docker Engine"
        case .podman: "Podman"
        }
    }

    /// `Docker` or `Podman`.
    public var shortName: String {
        switch self {
        case .docker: "Docker"
        case .podman: "Podman"
        }
    }
}
