// Target `compose`: a compose file as `blackbox check` reads it (Sources/Compose/ComposeLoader.swift,
// ComposeFileParser*.swift, Interpolator.swift, DotEnvFile.swift), then every check of the checklist over it (no store,
// no engine, no host paths). An input holding the line `#--- .env` has what follows it written as the project's `.env`.
//
// Invariants: no input traps, loops or grows without bound; problems in the file are findings, not thrown errors (a
// thrown ComposeProblem is only for a file that cannot be read or is over its size bound).
@testable import Compose
import Foundation
@testable import Playbooks

private let directory: String = {
    let path = NSTemporaryDirectory() + "blackbox-fuzz-compose-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()

@Sendable func fuzzCompose(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    let parts = text.components(separatedBy: "\n#--- .env\n")
    FileManager.default.createFile(atPath: directory + "/compose.yaml", contents: Data(parts[0].utf8))
    if parts.count > 1 {
        FileManager.default.createFile(atPath: directory + "/.env", contents: Data(parts[1].utf8))
    } else {
        try? FileManager.default.removeItem(atPath: directory + "/.env")
    }
    let project: ComposeProject
    do {
        project = try ComposeLoader.load(files: [], environment: ["HOME": "/root"], workingDirectory: directory)
    } catch {
        return
    }
    let checklist = Checklist(
        project: project, store: nil, lookups: RecordedLookups(rows: [], store: nil, atNanos: 1_780_000_000_000_000_000), onEngineHost: false,
        now: 1_780_000_000_000_000_000, pathFacts: { _ in nil })
    do {
        _ = try checklist.run()
    } catch {
        preconditionFailure("the checklist threw without a store: \(error)")
    }
}
