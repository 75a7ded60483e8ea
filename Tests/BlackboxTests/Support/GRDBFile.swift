import GRDB

/// A plain SQLite file that is not a blackbox store.
struct GRDBFile {
    let queue: DatabaseQueue

    init(path: String) throws {
        queue = try DatabaseQueue(path: path)
    }

    func createTable() throws {
        try queue.write { db in try db.execute(sql: "CREATE TABLE notes (text TEXT)") }
    }
}
