/// Who holds a host port: what `blackbox check` asks about a published port, and the first thing diagnosis asks of
/// the host (`EvidenceLookups` refines it). Playbooks' `HostLookups` answers from the store's latest inspect
/// snapshots and this host's `/proc`; tests answer with fixed values.
public protocol PortLookups: Sendable {
    /// The name of another running container that publishes this host port, if any.
    func portHolder(hostPort: String, excluding containerID: String) -> String?
    /// The process listening on a TCP port, or bound to a UDP port, of this host, as `pid 1234 (nginx)`, when it can be
    /// found.
    func portProcess(_ port: String) -> String?
}

/// Port lookups for many ports at once: `blackbox check` asks about every published port of a project (a range
/// `1-65535` is 65535 of them), where asking ``PortLookups`` once per port reads every running container's snapshot
/// and `/proc/net/tcp` again each time.
public protocol BulkPortLookups: PortLookups {
    /// The running container that publishes each host port (the first by container id, as
    /// ``PortLookups/portHolder(hostPort:excluding:)`` answers), by the port's text.
    func portHolders() -> [String: String]
    /// The TCP ports something on this host listens on (`/proc/net/tcp`, `/proc/net/tcp6`): the published TCP ports
    /// ``PortLookups/portProcess(_:)`` is worth asking about.
    func listeningPorts() -> Set<Int>
}
