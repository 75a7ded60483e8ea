import BlackboxStore

/// The containers and incidents projections folded in memory by the pure ``IncidentFold`` and
/// ``ContainerState/apply(_:)``, as `ProjectionFolder` folds them in the store: no SQLite.
struct PureFold {
    let policy: IncidentPolicy
    private(set) var containers: [String: ContainerState] = [:]
    /// Every incident, in the order they were opened; ids 1, 2, ….
    private(set) var incidents: [IncidentState] = []

    init(policy: IncidentPolicy = IncidentPolicy()) {
        self.policy = policy
    }

    /// Folds one event, which must carry its `seq`.
    mutating func fold(_ event: EventRecord) {
        guard let containerID = event.containerID else { return }
        let before = containers[containerID]
        var after = before ?? ContainerState(containerID: containerID)
        after.apply(event)
        containers[containerID] = after
        let mine = incidents.filter { $0.containerID == containerID }
        var open = mine.last { $0.resolvedNanos == nil }
        if open == nil && (event.kind == .logTail || event.kind == .inspect || event.kind == .hostFacts) {
            // As the store does: a `--rm` container's last observations belong to the incident its removal resolved.
            open = mine.last { $0.resolution == IncidentResolution.removed.rawValue && $0.lastNanos <= event.timeNanos }
        }
        for var changed in IncidentFold.apply(event, open: open, before: before, after: after, policy: policy) {
            if let id = changed.id, let index = incidents.firstIndex(where: { $0.id == id }) {
                incidents[index] = changed
            } else {
                changed.id = Int64(incidents.count + 1)
                incidents.append(changed)
            }
        }
    }
}
