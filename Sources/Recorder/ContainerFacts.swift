/// What the recorder remembers between events: whether each container has a TTY (its logs are then unframed).
actor ContainerFacts {
    private var tty: [String: Bool] = [:]

    func setTTY(_ value: Bool, for containerID: String) {
        tty[containerID] = value
    }

    func isTTY(_ containerID: String) -> Bool {
        tty[containerID] ?? false
    }
}
