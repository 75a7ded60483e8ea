/// Whether a Podman `cleanup` event is the only trace of a start the runtime refused. Pure.
///
/// Measured on Podman 4.3.1 (`podman system service`, Docker-compatible API): a start that the runtime refuses (a
/// mount source that is now a file, a command that does not exist) sends `cleanup` alone — no `init`, `start` or
/// `die` — and leaves `State.Error` empty and `State.ExitCode` as it was: only the client that asked for the start is
/// told why. A container that ran sends `cleanup` after its `die` (or `restart`). So a `cleanup` whose container's
/// previous lifecycle action was `create` or another `cleanup` is a refused start. (A start Podman refuses before the
/// runtime, such as a host port now taken, sends nothing at all: no event shows it.) Docker sends no `cleanup`.
enum RefusedStartCheck {
    /// The container actions that mark its lifecycle; the others (`attach`, `exec_*`, `health_status`, `rename`, …) do
    /// not move it.
    static let lifecycleActions: Set<String> = [
        "create", "init", "start", "restart", "die", "cleanup", "kill", "stop", "pause", "unpause", "oom",
    ]

    /// Whether `action` after `previous` (the container's last lifecycle action this session saw; nil when none) shows
    /// a refused start.
    static func isRefusedStart(action: String, previous: String?) -> Bool {
        action == "cleanup" && (previous == "create" || previous == "cleanup")
    }
}
