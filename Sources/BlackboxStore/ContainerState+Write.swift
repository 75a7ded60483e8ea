import GRDB

extension ContainerState {
    /// The row of `containerID`, through a statement prepared once per connection.
    static func fetchOne(_ db: Database, containerID: String) throws -> ContainerState? {
        try fetchOne(db.cachedStatement(sql: "SELECT * FROM containers WHERE container_id = ?"), arguments: [containerID])
    }

    /// The record's columns, and the statement that inserts a row or replaces every column of the stored one.
    private static let upsertColumns: [String] = ((try? ContainerState(containerID: "").databaseDictionary) ?? [:]).keys.sorted()
    private static let upsertSQL: String = {
        let quoted = upsertColumns.map { "\"\($0)\"" }
        return """
            INSERT INTO containers (\(quoted.joined(separator: ", "))) VALUES (\(databaseQuestionMarks(count: quoted.count)))
            ON CONFLICT (container_id) DO UPDATE SET \(quoted.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
            """
    }()

    /// Inserts the row or replaces every column of the stored one, through a statement prepared once per connection.
    /// The fold writes this row for every event, and GRDB's `save` prepares a new statement each time.
    func upsert(_ db: Database) throws {
        let values = try databaseDictionary
        try db.cachedStatement(sql: Self.upsertSQL).execute(arguments: StatementArguments(Self.upsertColumns.map { values[$0] ?? .null }))
    }
}
