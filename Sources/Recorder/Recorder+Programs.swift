import BlackboxCore
import BlackboxStore
import DockerEngine
import Foundation
import Playbooks

extension Recorder {
    /// How much of a failed program is read, in bytes: enough for an ELF header, its program headers and its
    /// `PT_INTERP` path, or a script's first line.
    static let programHeadBytes = 4096

    /// Reads the first bytes of the program the kernel refused to start from the stopped container (its mounts
    /// included) and says what it is; follows a symbolic link once. Nil when the engine cannot give it (logged).
    ///
    /// - Parameter path: the program's absolute path in the container.
    func readProgram(_ containerID: String, path: String) async -> EventRecord.ProgramFacts? {
        var path = path
        for _ in 0..<2 {
            do {
                switch try await client.archiveEntry(containerID, path: path, maximumBytes: Self.programHeadBytes) {
                case .file(let head, _):
                    var facts = EventRecord.ProgramFacts(head: head)
                    facts.firstLine = facts.firstLine.map(configuration.redactor.redact(text:))
                    return facts
                case .symlink(let target):
                    path = ProgramPath.resolve(target, from: path)
                case .other:
                    return nil
                }
            } catch is CancellationError {
                return nil
            } catch {
                logger.debug(
                    "cannot read the failed program", metadata: ["container.id": "\(containerID)", "path": "\(path)", "error": "\(error.localizedDescription)"])
                return nil
            }
        }
        return nil
    }
}

/// The program path a "no such file or directory" from `execve` is about. Pure.
enum ProgramPath {
    /// runc 1.1+: `exec /app/server: no such file or directory`.
    private static let namedPattern = try! NSRegularExpression(pattern: #"(?:^|: )exec (\S+): no such file or directory"#)
    /// Older runc: `standard_init_linux.go:211: exec user process caused "no such file or directory"`, no path.
    private static let unnamedPattern = try! NSRegularExpression(pattern: #"exec user process caused:? "?no such file or directory"#)

    /// The program the failure's log names, or, when it says only "exec user process caused", the first word of
    /// `Config.Entrypoint`, else of `Config.Cmd`; relative paths are taken from `Config.WorkingDir` (default `/`).
    /// Nil when the log has neither line.
    static func failed(inspect: JSONValue?, logLines: [LogLine]) -> String? {
        var named: String?
        var unnamed = false
        for line in logLines {
            let range = NSRange(line.text.startIndex..., in: line.text)
            if let match = namedPattern.firstMatch(in: line.text, range: range), let path = Range(match.range(at: 1), in: line.text) {
                named = String(line.text[path])
                break
            }
            if unnamedPattern.firstMatch(in: line.text, range: range) != nil { unnamed = true }
        }
        let program = named ?? (unnamed ? (inspect?[path: "Config.Entrypoint.0"] ?? inspect?[path: "Config.Cmd.0"])?.stringValue : nil)
        guard let program, !program.isEmpty else { return nil }
        let workingDirectory = inspect?[path: "Config.WorkingDir"]?.stringValue ?? ""
        return resolve(program, from: (workingDirectory.isEmpty ? "/" : workingDirectory) + "/.")
    }

    /// `target` as an absolute path: itself when absolute, else beside `path` (a symbolic link's target is relative
    /// to the link's directory). Removes `.` and empty components and applies `..`.
    static func resolve(_ target: String, from path: String) -> String {
        let joined = target.hasPrefix("/") ? target : (path.split(separator: "/").dropLast().joined(separator: "/") + "/" + target)
        var components: [Substring] = []
        for component in joined.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }
}
