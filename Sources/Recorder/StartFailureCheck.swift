import DockerEngine

/// Whether an inspect shows a failed start, and whether it is one the recorder has not recorded yet. Pure.
///
/// The engine sends no event for a start it refused (measured on Docker 20.10): a new container stays `created`; one
/// that ran before stays `exited` with its old exit code (or 127 for a runtime error) — either way with the
/// engine's text in `State.Error`, which a successful start clears. What the engine says around it is indirect: a
/// network `disconnect` (a port taken: nothing else), `connect` + `disconnect` (a mount the runtime refused), or
/// nothing at all (its network was removed), so the recorder inspects after those and in a periodic sweep.
enum StartFailureCheck {
    /// The failure last recorded for a container in this session: its text and `State.FinishedAt` (Unix ns).
    struct Recorded: Sendable, Equatable {
        var error: String
        var finishedNanos: Int64?
    }

    /// Whether the state is that of a failed start: not running and `State.Error` set, whatever the history.
    static func shows(_ state: ContainerInspect.State) -> Bool {
        !state.running && !state.restarting && !state.error.isEmpty
    }

    /// Whether the failed start the state shows is new: its text or its `FinishedAt` differs from the one recorded in
    /// this session (the same refusal repeated by a runtime moves `FinishedAt`); with none recorded in this session,
    /// when the store's last recorded failure (`ContainerState.error`) has another text.
    static func isNew(_ state: ContainerInspect.State, recorded: Recorded?, storedError: String?) -> Bool {
        guard shows(state) else { return false }
        if let recorded { return recorded.error != state.error || recorded.finishedNanos != state.finishedAtNanos }
        return storedError != state.error
    }
}
