// Target `compose`: a compose file as `blackbox check` reads it (Sources/Compose/ComposeLoader.swift,
// ComposeFileParser*.swift, Interpolator.swift, DotEnvFile.swift), then every check of the checklist over it (no store,
// no engine, no host paths). The input is `compose.yaml` up to the first line `#--- NAME`, and each such line starts
// another file of the project directory named NAME (a plain file name: `.env`, `base.yaml`, `api.env`), so seeds can
// reach `include`, `extends: {file:}`, `env_file` and `.env`.
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

/// The files the previous input wrote, removed before the next one writes its own.
nonisolated(unsafe) private var written: [String] = []

@Sendable func fuzzCompose(_ bytes: [UInt8]) {
    for path in written { try? FileManager.default.removeItem(atPath: path) }
    written = []
    for (name, text) in projectFiles(String(decoding: bytes, as: UTF8.self)) {
        let path = directory + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        written.append(path)
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

/// `compose.yaml` and the files after each `#--- NAME` line; a NAME that is not a plain file name (empty, `.`, `..`,
/// a `/`) is part of the previous file's text.
func projectFiles(_ text: String) -> [(name: String, text: String)] {
    var files: [(name: String, text: String)] = [("compose.yaml", "")]
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let name = line.hasPrefix("#--- ") ? String(line.dropFirst(5)) : ""
        if !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.contains("\0") {
            files.append((name, ""))
        } else {
            files[files.count - 1].text += line + "\n"
        }
    }
    return files
}
