import DockerEngine

/// What the recorder remembers between events: whether each container has a TTY (its logs are then unframed), the
/// failed start it last recorded for each (``StartFailureCheck``), and each one's last lifecycle action
/// (``RefusedStartCheck``).
actor ContainerFacts {
    private var tty: [String: Bool] = [:]
    private var startFailures: [String: StartFailureCheck.Recorded] = [:]
    private var lifecycle: [String: String] = [:]

    /// Notes a container event in stream order and returns the container's lifecycle action before it (nil when this
    /// session saw none); a `destroy` forgets the container.
    func noteAction(_ action: String, of containerID: String) -> String? {
        let previous = lifecycle[containerID]
        if action == "destroy" {
            lifecycle[containerID] = nil
        } else if RefusedStartCheck.lifecycleActions.contains(action) {
            lifecycle[containerID] = action
        }
        return previous
    }

    func setTTY(_ value: Bool, for containerID: String) {
        tty[containerID] = value
    }

    func isTTY(_ containerID: String) -> Bool {
        tty[containerID] ?? false
    }

    func startFailure(of containerID: String) -> StartFailureCheck.Recorded? {
        startFailures[containerID]
    }

    /// Claims the failed start `state` shows for recording: true, and remembered, when it is new
    /// (``StartFailureCheck/isNew(_:recorded:storedError:)`` against what this session recorded last, else
    /// `storedError`); false when another check of the same container claimed it first. One actor call, so two checks
    /// of one refusal (after a `disconnect` and a `connect`, or the sweep) record it once.
    func claimStartFailure(_ state: ContainerInspect.State, of containerID: String, storedError: String?) -> Bool {
        guard StartFailureCheck.isNew(state, recorded: startFailures[containerID], storedError: storedError) else { return false }
        startFailures[containerID] = StartFailureCheck.Recorded(error: state.error, finishedNanos: state.finishedAtNanos)
        return true
    }
}
