import BlackboxStore
import Foundation
import Testing

/// End to end: credentials on a container's command line, in its logs and in a `docker exec` never reach the store
/// file written by the real `blackbox record`; what surrounds them does.
@Suite(.serialized, .enabled(if: TestEngine.available, TestEngine.skipReason))
struct EngineRedactionTests {
    @Test func credentialsInCommandLinesLogsAndExecsNeverReachTheFile() throws {
        let name = TestEngine.uniqueName("redact")
        let secrets = (1...5).map { "s\($0)-\(UUID().uuidString.prefix(12))" }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let recorder = try RecorderProcess(storePath: directory.storePath, extraArguments: ["--redact-pattern", "otp"])
        let script = "echo DB_PASSWORD=\(secrets[0]); echo login --password \(secrets[1]); echo fetching https://bob:\(secrets[2])@example.com/x; echo otp_code: \(secrets[4]); sleep 60"
        try TestEngine.docker("run", "-d", "--name", name, TestEngine.image, "sh", "-c", script)
        defer { _ = try? TestEngine.docker("rm", "-f", name) }
        #expect(try TestEngine.wait { try TestEngine.docker("logs", name).stdout.contains("otp_code") })
        try TestEngine.docker("exec", name, "sh", "-c", ": --token \(secrets[3])")
        try TestEngine.docker("kill", name)
        let store = try EventStore(path: directory.storePath, readOnly: true)
        let finished = try TemporaryDirectory.waitForStore {
            let events = try store.events(EventFilter(containerIDs: try store.containerIDs(matching: name)))
            return events.contains { $0.kind == .logTail } && events.contains { $0.action?.hasPrefix("exec_start") == true }
        }
        let (status, stderr) = recorder.stop()
        #expect(finished, "the store never showed the log tail and the exec; recorder log:\n\(stderr)")
        #expect(status == 0, "record exited \(status) after SIGTERM:\n\(stderr)")

        let events = try store.events(EventFilter(containerIDs: try store.containerIDs(matching: name)))
        // Every secret is "sN-" and 12 characters: 15 characters, the length class 8-15.
        let marker = "<redacted:8-15>"
        let tail = try #require(events.first { $0.kind == .logTail })
        for expected in ["DB_PASSWORD=\(marker)", "login --password \(marker)", "https://bob:\(marker)@example.com/x", "otp_code: \(marker)"] {
            #expect(tail.payload.contains(expected), "the log tail lacks \(expected): \(tail.payload)")
        }
        let document = try JSONDecoder().decode(EventRecord.LogTail.self, from: Data(tail.payload.utf8))
        #expect(document.redactedValueCount == 4, "each redacted line counts its value: \(tail.payload)")
        #expect(events.contains { $0.action == "exec_start: sh -c : --token \(marker)" })
        let inspect = try #require(events.first { $0.kind == .inspect })
        #expect(inspect.payload.contains("echo DB_PASSWORD=\(marker);"))
        for suffix in ["", "-wal", "-shm"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: directory.storePath + suffix))) ?? Data()
            for secret in secrets {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is in blackbox.sqlite\(suffix)")
            }
        }
    }
}
