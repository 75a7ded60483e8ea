import BlackboxCore
import BlackboxStore

/// What an evidence `lookup:` asks for, by the name a playbook writes. The parser accepts exactly these names and
/// the matcher answers each one.
public enum LookupName: String, Sendable, Equatable, CaseIterable {
    /// The running container publishing the host port (from the store's snapshots, or as recorded at the failure).
    case portHolder = "port_holder"
    /// The host process listening on the port (`/proc/net/tcp{,6}`; on the engine's host, or as recorded).
    case portProcess = "port_process"
    /// Owner, mode and type of a host path (`uid 0, gid 105, mode 0660, socket`).
    case pathOwner = "path_owner"
    /// The dynamic loader (`PT_INTERP`) of the ELF program at a container path, as recorded from the stopped container.
    case programInterpreter = "program_interpreter"
    /// The first line of the script at a container path (a CR shown as `\r`), as recorded.
    case programFirstLine = "program_first_line"
    /// The host path bind-mounted (or the volume's host path) at a container path, from the inspect snapshot's
    /// `Mounts` (`Destination` equal to the path); missing when nothing is mounted there.
    case mountSource = "mount_source"
    /// Where a container path lies on the host when a bind mount or volume holds it: the `Source` of the mount whose
    /// `Destination` is the path or its closest parent, with the rest of the path appended; missing when the path is
    /// in the container's own filesystem, or is not absolute and clean (a `..` or `.` component).
    case hostPath = "host_path"
    /// Another running container that mounts the named volume (from the store's snapshots at the failure).
    case volumeUser = "volume_user"
    /// The destination of the tmpfs that holds a container path when it is mounted `noexec`, the engine's default:
    /// a `HostConfig.Tmpfs` entry (`--tmpfs`, compose `tmpfs:`) whose options lack `exec`, or a `Mounts` entry of
    /// type `tmpfs` (`--mount type=tmpfs`, never executable); missing when no such tmpfs holds the path.
    case noexecMount = "noexec_mount"
    /// The running container (at the failure) of the compose service of that name in the failed container's
    /// project (labels `com.docker.compose.project` and `com.docker.compose.service`): the server a host name such as
    /// `db` reaches. Missing outside compose, or when no such container ran.
    case serviceContainer = "service_container"
    /// The named volume that the container of that compose service mounts (its first `Mounts` entry of type
    /// `volume`): where a database keeps what it initialised. Missing as ``serviceContainer``, or without a volume.
    case serviceVolume = "service_volume"
    /// For a `HostConfig.NetworkMode` of `container:ID` (compose `network_mode: service:NAME`): the name of the
    /// container whose network namespace this one shares, from its latest snapshot (else its short id).
    case networkPeer = "network_peer"
    /// The compose service of that container (`com.docker.compose.service`), when it had one.
    case networkPeerService = "network_peer_service"
    /// The running container (at the failure) that now serves that compose service under another id: the peer was
    /// recreated, and this container still points at the old one.
    case networkPeerReplacement = "network_peer_replacement"
    /// The running container (at the failure) that holds that IP address on one of its networks
    /// (`NetworkSettings.Networks.*.IPAddress`), other than the failed one.
    case addressHolder = "address_holder"
    /// The compose service of that holder, and whether it is a one-off `docker compose run` container of it.
    case addressHolderService = "address_holder_service"
    /// The container that serves the holder's compose service now (not a one-off), when it is another container
    /// than the holder: the address a client resolved once belongs to someone else now.
    case addressServiceContainer = "address_service_container"
    /// That container's own address on a network it shares with the failed container (else its first).
    case addressServiceAddress = "address_service_address"

    /// The names, for an error message: `port_holder, port_process, …`.
    static var written: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The answer for `key` (an evidence value).
    func answer(_ key: String, _ context: IncidentContext) -> String? {
        switch self {
        case .portHolder: context.lookups.portHolder(hostPort: key, excluding: context.incident.containerID)
        case .portProcess: context.lookups.portProcess(key)
        case .pathOwner: context.lookups.pathOwner(key)
        case .programInterpreter: context.lookups.program(key)?.interpreter
        case .programFirstLine: context.lookups.program(key)?.firstLine
        case .mountSource: Self.mountSource(at: key, in: context.inspect)
        case .hostPath: Self.hostPath(of: key, in: context.inspect)
        case .volumeUser: context.lookups.volumeUser(volume: key, excluding: context.incident.containerID)
        case .noexecMount: Self.noexecTmpfs(holding: key, in: context.inspect)
        case .networkPeer:
            Self.networkPeerID(key).map { id in context.lookups.snapshot(containerID: id).flatMap(JSONValue.parse).map { HostLookups.name(of: $0, id: id) } ?? String(id.prefix(12)) }
        case .networkPeerService: Self.networkPeerService(key, context)
        case .networkPeerReplacement:
            Self.networkPeerService(key, context).flatMap { service in
                Self.serviceContainer(service, context).flatMap { $0.id == Self.networkPeerID(key) ? nil : HostLookups.name(of: $0.inspect, id: $0.id) }
            }
        case .addressHolder: Self.addressHolder(key, context).map { HostLookups.name(of: $0.inspect, id: $0.id) }
        case .addressHolderService:
            Self.addressHolder(key, context).flatMap { holder in
                Self.label("com.docker.compose.service", of: holder.inspect).map {
                    Self.label("com.docker.compose.oneoff", of: holder.inspect) == "True" ? "\($0), a one-off `docker compose run` container of it" : $0
                }
            }
        case .addressServiceContainer: Self.movedService(key, context).map { HostLookups.name(of: $0.inspect, id: $0.id) }
        case .addressServiceAddress: Self.movedService(key, context).flatMap { Self.address(of: $0.inspect, near: context.inspect) }
        case .serviceContainer: Self.serviceContainer(key, context).map { HostLookups.name(of: $0.inspect, id: $0.id) }
        case .serviceVolume:
            Self.serviceContainer(key, context).flatMap { container in
                guard case .array(let mounts)? = container.inspect[path: "Mounts"] else { return nil }
                return mounts.first { $0[path: "Type"]?.stringValue == "volume" }?[path: "Name"]?.stringValue
            }
        }
    }

    /// The container id in a network mode `container:ID`; nil for any other mode.
    static func networkPeerID(_ networkMode: String) -> String? {
        guard networkMode.hasPrefix("container:") else { return nil }
        let id = String(networkMode.dropFirst("container:".count))
        return id.isEmpty ? nil : id
    }

    /// The compose service of the container a `container:ID` network mode names, from its latest snapshot.
    static func networkPeerService(_ networkMode: String, _ context: IncidentContext) -> String? {
        guard let id = networkPeerID(networkMode), let inspect = context.lookups.snapshot(containerID: id).flatMap(JSONValue.parse) else { return nil }
        return label("com.docker.compose.service", of: inspect)
    }

    /// The running container of the compose service `service` in the failed container's project, other than itself
    /// and other than a one-off `docker compose run` container of it.
    static func serviceContainer(_ service: String, _ context: IncidentContext) -> (id: String, inspect: JSONValue)? {
        guard let project = context.incident.composeProject else { return nil }
        return firstRunning(context) { inspect in
            label("com.docker.compose.project", of: inspect) == project && label("com.docker.compose.service", of: inspect) == service
                && label("com.docker.compose.oneoff", of: inspect) != "True"
        }
    }

    /// The first running container at the failure (by id, the failed one left out) whose inspect satisfies `accepts`.
    private static func firstRunning(_ context: IncidentContext, where accepts: (JSONValue) -> Bool) -> (id: String, inspect: JSONValue)? {
        for (id, payload) in context.lookups.runningSnapshots().sorted(by: { $0.key < $1.key }) where id != context.incident.containerID {
            if let inspect = JSONValue.parse(payload), accepts(inspect) { return (id, inspect) }
        }
        return nil
    }

    static func label(_ name: String, of inspect: JSONValue) -> String? {
        guard case .object(let labels)? = inspect[path: "Config.Labels"] else { return nil }
        return labels[name]?.stringValue
    }

    /// The running container (other than the failed one) with `address` on one of its networks.
    static func addressHolder(_ address: String, _ context: IncidentContext) -> (id: String, inspect: JSONValue)? {
        guard !address.isEmpty else { return nil }
        return firstRunning(context) { inspect in
            guard case .object(let networks)? = inspect[path: "NetworkSettings.Networks"] else { return false }
            return networks.values.contains { $0[path: "IPAddress"]?.stringValue == address }
        }
    }

    /// The container serving the compose service of the address's holder now, when that is not the holder.
    static func movedService(_ address: String, _ context: IncidentContext) -> (id: String, inspect: JSONValue)? {
        guard let holder = addressHolder(address, context), let service = label("com.docker.compose.service", of: holder.inspect),
            let current = serviceContainer(service, context), current.id != holder.id
        else { return nil }
        return current
    }

    /// A container's IP address on a network `near` (the failed container's inspect) is on too, else on its first.
    static func address(of inspect: JSONValue, near: JSONValue?) -> String? {
        guard case .object(let networks)? = inspect[path: "NetworkSettings.Networks"] else { return nil }
        let shared: Set<String> = {
            guard case .object(let own)? = near?[path: "NetworkSettings.Networks"] else { return [] }
            return Set(own.keys)
        }()
        let ordered = networks.sorted { ($0.key, 0) < ($1.key, 0) }
        let chosen = ordered.first { shared.contains($0.key) } ?? ordered.first
        return chosen?.value[path: "IPAddress"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The destination of the `noexec` tmpfs that holds `path` (the deepest one; see ``noexecMount``).
    static func noexecTmpfs(holding path: String, in inspect: JSONValue?) -> String? {
        let components = path.split(separator: "/")
        guard path.hasPrefix("/"), !components.contains(where: { $0 == ".." || $0 == "." }) else { return nil }
        var tmpfs: [(destination: String, executable: Bool)] = []
        if case .object(let entries)? = inspect?[path: "HostConfig.Tmpfs"] {
            for (destination, options) in entries {
                let flags = (options.stringValue ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                tmpfs.append((destination, flags.contains("exec")))
            }
        }
        if case .array(let mounts)? = inspect?[path: "Mounts"] {
            for mount in mounts where mount[path: "Type"]?.stringValue == "tmpfs" {
                if let destination = mount[path: "Destination"]?.stringValue { tmpfs.append((destination, false)) }
            }
        }
        let holding = tmpfs.filter { entry in
            let parent = entry.destination.split(separator: "/")
            return !parent.isEmpty && components.count > parent.count && components.starts(with: parent)
        }
        guard let deepest = holding.max(by: { $0.destination.split(separator: "/").count < $1.destination.split(separator: "/").count }),
            !deepest.executable
        else { return nil }
        return normalized(deepest.destination)
    }

    /// The `Source` of the mount whose `Destination` is `destination` (trailing slashes ignored).
    static func mountSource(at destination: String, in inspect: JSONValue?) -> String? {
        guard case .array(let mounts)? = inspect?[path: "Mounts"] else { return nil }
        let wanted = normalized(destination)
        return mounts.first { ($0[path: "Destination"]?.stringValue).map(normalized) == wanted }?[path: "Source"]?.stringValue
    }

    /// The host path of the container path `path` (see ``hostPath``).
    static func hostPath(of path: String, in inspect: JSONValue?) -> String? {
        let components = path.split(separator: "/")
        guard path.hasPrefix("/"), !components.contains(where: { $0 == ".." || $0 == "." }),
            case .array(let mounts)? = inspect?[path: "Mounts"]
        else { return nil }
        var best: (depth: Int, source: String)?
        for mount in mounts {
            guard let destination = mount[path: "Destination"]?.stringValue, let source = mount[path: "Source"]?.stringValue,
                source.hasPrefix("/")
            else { continue }
            let parent = destination.split(separator: "/")
            guard !parent.isEmpty, parent.count <= components.count, components.starts(with: parent), parent.count > best?.depth ?? 0 else { continue }
            best = (parent.count, source)
        }
        guard let best else { return nil }
        let rest = components.dropFirst(best.depth).joined(separator: "/")
        let source = normalized(best.source)
        return rest.isEmpty ? source : (source == "/" ? "/" : source + "/") + rest
    }

    private static func normalized(_ path: String) -> String {
        var path = Substring(path)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }
}
