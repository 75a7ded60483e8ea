/// Which running containers have their logs followed for error bursts: at most `maximum` at once, so a host with
/// hundreds of containers costs the engine a bounded number of log reads.
actor LogFollowSlots {
    let maximum: Int
    private var followed: Set<String> = []
    /// Whether a refusal was logged already (once per time the slots fill up).
    private var refusedSinceFull = false

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Takes a slot for the container; false when all are taken (`firstRefusal` says whether to log it).
    func claim(_ containerID: String) -> (claimed: Bool, firstRefusal: Bool) {
        if followed.contains(containerID) { return (false, false) }
        guard followed.count < maximum else {
            defer { refusedSinceFull = true }
            return (false, !refusedSinceFull)
        }
        followed.insert(containerID)
        return (true, false)
    }

    func release(_ containerID: String) {
        followed.remove(containerID)
        refusedSinceFull = false
    }
}
