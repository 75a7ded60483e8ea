/// How `blackbox record` reads containers' resources (`--sampler`).
public enum SamplerMode: String, Sendable, CaseIterable {
    /// `GET /containers/{id}/stats?stream=false&one-shot=true`: works with any engine, costs the engine CPU per sample.
    case api
    /// The container's cgroup files and `/proc/<pid>/net/dev`: needs the engine on this host; costs the engine nothing.
    case cgroup
    /// `cgroup` when the engine is on this host (a unix socket) and a container's cgroup files are readable, else `api`.
    case auto
}
