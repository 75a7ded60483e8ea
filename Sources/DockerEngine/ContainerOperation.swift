/// The only operations that change the engine's state: what a playbook's `actions:` may name, performed solely by
/// `playbook run --apply` (``DockerClient/perform(_:containerID:)``).
public enum ContainerOperation: String, Sendable, Equatable, CaseIterable {
    case start, stop, restart, remove

    /// What a user would type for the same thing.
    public func dockerCommand(container: String) -> String {
        self == .remove ? "docker rm \(container)" : "docker \(rawValue) \(container)"
    }
}
