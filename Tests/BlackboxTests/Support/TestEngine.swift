import Foundation
import Testing

/// The private engine that `scripts/test` starts: its address in `BLACKBOX_TEST_DOCKER_HOST`,
/// a local busybox image in `BLACKBOX_TEST_IMAGE`. Without them the engine tests are skipped, and
/// `scripts/test` fails the run if any were.
enum TestEngine {
    static let address = ProcessInfo.processInfo.environment["BLACKBOX_TEST_DOCKER_HOST"].flatMap { $0.isEmpty ? nil : $0 }
    static let image = ProcessInfo.processInfo.environment["BLACKBOX_TEST_IMAGE"] ?? "blackbox-test/busybox:latest"
    static let available = address != nil
    static let skipReason: Comment = "ENGINE TESTS SKIPPED: no private Docker engine (BLACKBOX_TEST_DOCKER_HOST is unset); run scripts/test"

    /// Runs the docker CLI against the test engine.
    @discardableResult
    static func docker(_ arguments: String...) throws -> BlackboxBinary.Result {
        try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["docker"] + arguments, environment: ["DOCKER_HOST": address ?? ""])
    }

    /// A shell script for PID 1 that grows its own memory by 512 KiB every 0.3 s, with no child process big enough
    /// for the OOM killer to pick instead, so that several samples see it approach a 32 MiB limit before PID 1 is killed.
    static let growUntilOOM = #"y=a; i=0; while [ $i -lt 19 ]; do y=$y$y; i=$((i+1)); done; echo loading index; x=; while :; do x=$x$y; sleep 0.3; done"#

    /// A container name no other test uses.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Polls `condition` every 200 ms until it holds or `seconds` pass; returns whether it held.
    static func wait(seconds: Double = 30, until condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return try condition()
    }
}

/// `blackbox record` running as a child process against the test engine.
final class RecorderProcess {
    let process = Process()
    let storePath: String
    /// The status line `record` printed first (`blackbox: recording ADDRESS (ENGINE VERSION, API …) …`).
    private(set) var statusLine = ""
    private let output = Pipe()
    private let errors = Pipe()

    /// Starts the recorder against `engine` (the private Docker engine unless told) and waits for its status line.
    init(storePath: String, interval: String = "500ms", extraArguments: [String] = [], engine: String? = TestEngine.address) throws {
        self.storePath = storePath
        process.executableURL = BlackboxBinary.url
        process.arguments = ["record", "--db", storePath, "--interval", interval] + extraArguments
        process.environment = ProcessInfo.processInfo.environment.merging(["DOCKER_HOST": engine ?? ""]) { $1 }
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        statusLine = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        guard statusLine.hasPrefix("blackbox: recording") else {
            process.terminate()
            throw RecorderError.noStatusLine(statusLine)
        }
    }

    /// Sends SIGTERM and waits for the exit; returns the exit status and standard error.
    func stop() -> (status: Int32, stderr: String) {
        process.terminate()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    enum RecorderError: Error {
        case noStatusLine(String)
    }
}
