import GRDB

extension EventRecord {
    /// Reads a row of `events` (`SELECT *`) column by column: GRDB's Codable decoding of the row took about 7 % of an
    /// import's CPU, where the diagnosis reads back the events of every incident's window.
    ///
    /// - Throws: `DecodingError.dataCorrupted` when `kind` is not an ``EventKind``; GRDB's `RowDecodingError` when a
    ///   column is missing or holds a value of another type.
    public init(row: Row) throws {
        let kindName: String = try row.decode(forColumn: CodingKeys.kind.stringValue)
        guard let kind = EventKind(rawValue: kindName) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: [CodingKeys.kind], debugDescription: "Cannot initialize EventKind from invalid String value \(kindName)"))
        }
        self.init(
            timeNanos: try row.decode(forColumn: CodingKeys.timeNanos.stringValue), kind: kind, type: try row.decode(forColumn: CodingKeys.type.stringValue),
            action: try row.decode(forColumn: CodingKeys.action.stringValue), actorID: try row.decode(forColumn: CodingKeys.actorID.stringValue),
            containerID: try row.decode(forColumn: CodingKeys.containerID.stringValue), containerName: try row.decode(forColumn: CodingKeys.containerName.stringValue),
            image: try row.decode(forColumn: CodingKeys.image.stringValue), composeProject: try row.decode(forColumn: CodingKeys.composeProject.stringValue),
            composeService: try row.decode(forColumn: CodingKeys.composeService.stringValue), exitCode: try row.decode(forColumn: CodingKeys.exitCode.stringValue),
            signal: try row.decode(forColumn: CodingKeys.signal.stringValue), deduplicationKey: try row.decode(forColumn: CodingKeys.deduplicationKey.stringValue),
            payload: try row.decode(forColumn: CodingKeys.payload.stringValue))
        seq = try row.decode(forColumn: CodingKeys.seq.stringValue)
    }
}
