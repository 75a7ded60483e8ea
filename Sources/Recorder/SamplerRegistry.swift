import DockerEngine

/// Which containers have a running sampler, so each container has at most one.
///
/// A sampler asks ``isActive(_:generation:)`` before each reading and ends when it is no longer the current one.
actor SamplerRegistry {
    /// Where the samplers' shared grid of ticks starts.
    nonisolated let origin = ContinuousClock.now
    private var generations: [String: Int] = [:]
    private var next = 0
    /// Inspect snapshots taken after `docker update`, not yet read by the container's sampler.
    private var updates: [String: ContainerInspect] = [:]

    /// Registers a sampler for `containerID`; nil when one is already active.
    func start(_ containerID: String) -> Int? {
        guard generations[containerID] == nil else { return nil }
        next += 1
        generations[containerID] = next
        return next
    }

    /// Ends the sampler of `containerID`, if any, at its next tick.
    func stop(_ containerID: String) {
        generations[containerID] = nil
        updates[containerID] = nil
    }

    /// Ends the sampler of `containerID` only if it is the given one (a sampler that ends by itself).
    func finish(_ containerID: String, generation: Int) {
        if generations[containerID] == generation { generations[containerID] = nil }
    }

    func isActive(_ containerID: String, generation: Int) -> Bool {
        generations[containerID] == generation
    }

    /// Hands the snapshot taken after a `docker update` (new memory, CPU or pids limits) to the container's running
    /// sampler; ignored when none runs.
    func noteUpdate(_ inspect: ContainerInspect) {
        guard generations[inspect.id] != nil else { return }
        updates[inspect.id] = inspect
    }

    /// The snapshot of the latest `docker update` since the last call, for the sampler that is current.
    func takeUpdate(_ containerID: String, generation: Int) -> ContainerInspect? {
        guard generations[containerID] == generation else { return nil }
        return updates.removeValue(forKey: containerID)
    }

    func removeAll() {
        generations.removeAll()
        updates.removeAll()
    }
}
