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
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return BlackboxBinary.Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}
