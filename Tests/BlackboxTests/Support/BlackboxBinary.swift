import Foundation

/// The `blackbox` executable built next to the test bundle, run as a user would.
enum BlackboxBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var url: URL {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().appending(path: "blackbox")
    }

    /// Runs `blackbox ARGUMENTS` to completion.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        try ProcessRunner.run(url, arguments, environment: environment)
    }
}

/// Runs a program to completion and captures its output.
enum ProcessRunner {
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> BlackboxBinary.Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Both pipes at once: a child filling one (64 KiB) while the other is read to its end would block forever.
        let errReader = BackgroundRead(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = errReader.wait()
        process.waitUntilExit()
        return BlackboxBinary.Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A file handle read to its end on a queue of its own; ``wait()`` gives the bytes.
private final class BackgroundRead: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        DispatchQueue.global().async {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
