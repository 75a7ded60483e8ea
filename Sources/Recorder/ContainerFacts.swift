/// What the recorder remembers between events: whether each container has a TTY (its logs are then unframed), and
/// the failed start it last recorded for each (``StartFailureCheck``).
actor ContainerFacts {
    private var tty: [String: Bool] = [:]
    private var startFailures: [String: StartFailureCheck.Recorded] = [:]

    func setTTY(_ value: Bool, for containerID: String) {
        tty[containerID] = value
    }

    func isTTY(_ containerID: String) -> Bool {
        tty[containerID] ?? false
    }

    func setStartFailure(_ failure: StartFailureCheck.Recorded, for containerID: String) {
        startFailures[containerID] = failure
    }

    func startFailure(of containerID: String) -> StartFailureCheck.Recorded? {
        startFailures[containerID]
    }
}
