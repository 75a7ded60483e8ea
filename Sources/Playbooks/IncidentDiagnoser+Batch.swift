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

extension IncidentDiagnoser {
    /// Diagnoses every incident not diagnosed as it is now (``EventStore/undiagnosedIncidents()``): what an
    /// interrupted import, replay or recorder left, and what the last commit folded. Every command that writes runs it,
    /// so an interrupted run is completed by the next one.
    ///
    /// - Returns: how many incidents were diagnosed.
    /// - Throws: ``StoreError`` when the store cannot be read or written.
    @discardableResult
    public func diagnoseUndiagnosed() throws -> Int {
        let incidents = try store.undiagnosedIncidents()
        try diagnose(incidents)
        return incidents.count
    }
}
