import Foundation

/// Payloads captured from a real engine by `scripts/capture-fixtures`.
enum Fixtures {
    static let directory = Bundle.module.resourceURL!.appending(path: "Fixtures")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appending(path: name))
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try data(name))
    }

    /// The lines of `events.jsonl`.
    static func eventLines() throws -> [[UInt8]] {
        try bytes("events.jsonl").split(separator: UInt8(ascii: "\n")).map(Array.init)
    }
}
