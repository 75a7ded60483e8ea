import Foundation
import Testing

/// `blackbox import` of several files: one unreadable file does not stop the others, and events appended out of time
/// order are pointed out (the projections fold in append order).
@Suite struct ImportOrderTests {
    /// The example session cut in two exports: its header and lines 2…19, and its header and the rest.
    private func halves(in directory: TemporaryDirectory) throws -> (older: String, newer: String) {
        let lines = try String(contentsOfFile: ExampleSessionTests.example, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        let older = directory.url.appending(path: "older.jsonl").path
        let newer = directory.url.appending(path: "newer.jsonl").path
        try ([lines[0]] + lines[1..<19]).joined(separator: "\n").appending("\n").write(toFile: older, atomically: true, encoding: .utf8)
        try ([lines[0]] + lines[19...]).joined(separator: "\n").appending("\n").write(toFile: newer, atomically: true, encoding: .utf8)
        return (older, newer)
    }

    @Test func anUnreadableFileIsReportedAndTheOthersAreImported() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (older, newer) = try halves(in: directory)
        let missing = directory.url.appending(path: "missing.jsonl").path
        let result = try BlackboxBinary.run(["import", "--db", directory.storePath, older, missing, newer])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(missing): error: cannot read it: no such file"))
        #expect(result.stdout.contains("imported 32 events and 24 samples"), "\(result.stdout)")
        #expect(!result.stderr.contains("older than events already stored"), "in order: no warning")
    }

    @Test func eventsImportedOutOfTimeOrderAreReported() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (older, newer) = try halves(in: directory)
        #expect(try BlackboxBinary.run(["import", "--db", directory.storePath, newer]).status == 0)
        let late = try BlackboxBinary.run(["import", "--db", directory.storePath, older])
        #expect(late.status == 0)
        #expect(late.stderr.contains("imported events are older than events already stored for the same containers"), "\(late.stderr)")
    }
}
