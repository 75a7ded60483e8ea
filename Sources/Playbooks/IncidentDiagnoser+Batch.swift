import BlackboxStore

extension IncidentDiagnoser {
    /// Diagnoses every incident that events from `seq` on were folded into (all incidents for 0), in bulk: after an
    /// import, or a replay of the whole log with the playbooks now in force.
    ///
    /// - Returns: how many incidents were diagnosed.
    /// - Throws: ``StoreError`` when the store cannot be read or written.
    @discardableResult
    public func diagnose(touchedSince seq: Int64) throws -> Int {
        let incidents = try store.incidents(touchedSince: seq)
        try diagnose(incidents)
        return incidents.count
    }
}
