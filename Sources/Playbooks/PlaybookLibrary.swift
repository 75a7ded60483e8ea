import Foundation

/// The playbooks in force: the built-ins compiled from `playbooks/*.yaml`, plus a user's directory
/// (`--playbooks DIR` or `BLACKBOX_PLAYBOOKS`), whose playbooks add to them or replace a built-in with the same id.
public struct PlaybookLibrary: Sendable {
    public let playbooks: [Playbook]
    /// Problems found while loading; a file with an error is skipped, the others still load.
    public let diagnostics: [PlaybookDiagnostic]

    /// The built-in playbooks alone.
    public static var builtIn: PlaybookLibrary { load(userDirectory: nil) }

    /// Loads the built-ins and then every `*.yaml`/`*.yml` file of `userDirectory`, in name order.
    public static func load(userDirectory: String?) -> PlaybookLibrary {
        var diagnostics: [PlaybookDiagnostic] = []
        var byID: [String: Playbook] = [:]
        var order: [String] = []
        func add(_ files: [(name: String, text: String)]) {
            var seenHere: [String: String] = [:]
            for file in files {
                let (playbook, problems) = PlaybookParser.parse(yaml: file.text, file: file.name)
                diagnostics += problems
                guard let playbook else { continue }
                if let other = seenHere[playbook.id] {
                    diagnostics.append(PlaybookDiagnostic(file: file.name, line: 1, message: "id '\(playbook.id)' is already used by \(other); this file is skipped"))
                    continue
                }
                seenHere[playbook.id] = file.name
                if byID[playbook.id] == nil { order.append(playbook.id) }
                byID[playbook.id] = playbook
            }
        }
        add(EmbeddedPlaybooks.files.map { ("built-in:\($0.name)", $0.contents) })
        if let userDirectory {
            add(readDirectory(userDirectory, diagnostics: &diagnostics))
        }
        return PlaybookLibrary(playbooks: order.compactMap { byID[$0] }, diagnostics: diagnostics)
    }

    /// Lints files: every problem of every file, and ids used by more than one of them.
    public static func lint(paths: [String]) -> [PlaybookDiagnostic] {
        var diagnostics: [PlaybookDiagnostic] = []
        var ids: [String: String] = [:]
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                diagnostics.append(PlaybookDiagnostic(file: path, line: 0, message: "no such file"))
                continue
            }
            guard !isDirectory.boolValue else {
                diagnostics.append(PlaybookDiagnostic(file: path, line: 0, message: "is a directory; name the playbook files (e.g. DIR/*.yaml)"))
                continue
            }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                diagnostics.append(PlaybookDiagnostic(file: path, line: 0, message: "cannot read the file as UTF-8 text"))
                continue
            }
            let (playbook, problems) = PlaybookParser.parse(yaml: text, file: path)
            diagnostics += problems
            if let playbook {
                if let other = ids[playbook.id] {
                    diagnostics.append(PlaybookDiagnostic(file: path, line: 1, message: "id '\(playbook.id)' is already used by \(other)"))
                }
                ids[playbook.id] = path
            }
        }
        return diagnostics
    }

    public func playbook(id: String) -> Playbook? {
        playbooks.first { $0.id == id }
    }

    private static func readDirectory(_ directory: String, diagnostics: inout [PlaybookDiagnostic]) -> [(name: String, text: String)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            diagnostics.append(PlaybookDiagnostic(file: directory, line: 0, message: "cannot read the playbook directory"))
            return []
        }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().compactMap { name in
            let path = (directory as NSString).appendingPathComponent(name)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                diagnostics.append(PlaybookDiagnostic(file: path, line: 0, message: "cannot read the file as UTF-8 text"))
                return nil
            }
            return (path, text)
        }
    }
}
