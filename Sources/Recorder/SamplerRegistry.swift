/// Which containers have a running sampler, so each container has at most one.
///
/// A sampler asks ``isActive(_:generation:)`` before each reading and ends when it is no longer the current one.
actor SamplerRegistry {
    /// Where the samplers' shared grid of ticks starts.
    nonisolated let origin = ContinuousClock.now
    private var generations: [String: Int] = [:]
    private var next = 0

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
    }

    /// Ends the sampler of `containerID` only if it is the given one (a sampler that ends by itself).
    func finish(_ containerID: String, generation: Int) {
        if generations[containerID] == generation { generations[containerID] = nil }
    }

    func isActive(_ containerID: String, generation: Int) -> Bool {
        generations[containerID] == generation
    }

    func removeAll() {
        generations.removeAll()
    }
}
