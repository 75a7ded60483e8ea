import Foundation

/// A failure the command explains in one sentence; exits 1 (unlike `ValidationError`, which is wrong usage).
struct CLIError: Error, LocalizedError {
    let message: String

    init(_ message: String) {
        self.message = message
    }

    var errorDescription: String? { message }

    static func ambiguousContainer(_ prefix: String, _ ids: [String]) -> CLIError {
        CLIError("'\(prefix)' is the start of \(ids.count) container ids (\(ids.prefix(4).map { String($0.prefix(12)) }.joined(separator: ", "))); give more of it")
    }

    static func unknownContainer(_ name: String) -> CLIError {
        CLIError("no recorded container is named '\(name)' or has an id starting with it; `blackbox ps --all` lists the recorded ones")
    }
}
