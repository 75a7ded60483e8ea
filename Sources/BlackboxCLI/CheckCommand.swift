import BlackboxCore
import ArgumentParser
import BlackboxViews
import BlackboxStore
import Compose
import DockerEngine
import Foundation
import Playbooks

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a compose project before deploying it, against the recorded history of the same project and this host.",
        discussion: """
            Reads the compose files (-f, merged in order; else compose.yaml, docker-compose.yaml/.yml and the override file here), \
            interpolates ${VAR} from the environment and .env, and reports each finding with its file:line, the evidence and the fix. \
            Bind-mount sources and listening processes are checked when the engine (--host) is on this host. \
            Exits 1 when any finding is an error, so it can gate a deploy.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var engine: EngineOptions
    @OptionGroup var output: OutputOptions

    @Option(name: [.customShort("f"), .customLong("file")], help: ArgumentHelp("A compose file (repeatable; merged in order).", valueName: "file"))
    var files: [String] = []

    @Option(name: [.customShort("p"), .customLong("project")], help: ArgumentHelp("The project name (default: the files' name:, else $COMPOSE_PROJECT_NAME, else the directory's name).", valueName: "name"))
    var project: String?

    @Option(help: ArgumentHelp("How far back measured baselines reach (7d, 24h, 30m).", valueName: "duration"))
    var window = DurationArgument("7d")

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let composeProject: ComposeProject
        do {
            composeProject = try ComposeLoader.load(
                files: files, projectName: project, environment: environment, workingDirectory: FileManager.default.currentDirectoryPath)
        } catch let problem as ComposeProblem {
            throw CLIError(problem.location.line > 0 ? problem.description : "\(problem.message)")
        }
        let store: EventStore?
        do {
            store = try self.store.openForReading()
        } catch StoreError.missing {
            store = nil
        }
        let address = try engine.address()
        let checklist = Checklist(
            project: composeProject, store: store, lookups: HostLookups(store: store), onEngineHost: Self.isLocal(address),
            windowNanos: window.nanos, now: Timestamp.nowNanos())
        let findings = try checklist.run()
        if output.json {
            JSONOutput.print(findings.map(FindingView.init))
        } else {
            let history = store.map { "history from \($0.path), last \(window)" } ?? "no store at \(self.store.resolvedPath): no history"
            print("blackbox check: project \(composeProject.name) (\(composeProject.files.joined(separator: ", "))), \(history)\n")
            for finding in findings { print(Self.render(finding)) }
            let count = { (severity: Finding.Severity) in findings.filter { $0.severity == severity }.count }
            print("\(count(.error)) error\(count(.error) == 1 ? "" : "s"), \(count(.warning)) warning\(count(.warning) == 1 ? "" : "s"), \(count(.info)) note\(count(.info) == 1 ? "" : "s")")
        }
        if findings.contains(where: { $0.severity == .error }) { throw ArgumentParser.ExitCode.failure }
    }

    /// Unix sockets and loopback TCP addresses are on this host.
    static func isLocal(_ address: EngineAddress) -> Bool {
        switch address.transport {
        case .unixSocket: true
        case .tcp(let host, _): ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host)
        }
    }

    /// `compose.yaml:8: error: …`, then the evidence and the fix, indented.
    static func render(_ finding: Finding) -> String {
        let place = finding.location.line > 0 ? finding.location.description : finding.location.file
        var lines = ["\(place): \(finding.severity.rawValue): \(finding.message)"]
        if !finding.evidence.isEmpty {
            lines.append("    evidence: " + finding.evidence.map { "\($0.name)=\(format($0))" }.joined(separator: " "))
        }
        if let fix = finding.fix { lines.append("    fix: \(fix)") }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func format(_ evidence: Finding.Evidence) -> String {
        switch evidence.value {
        case .integer(let value) where evidence.name.hasSuffix("_bytes"): Units.bytes(value)
        case .integer(let value) where evidence.name.hasSuffix("_ns"): Timestamp.rfc3339(unixNanos: value)
        case .integer(let value): String(value)
        case .number(let value) where evidence.name.hasSuffix("_pct"): String(format: "%.1f%%", value)
        case .number(let value): value.rounded() == value ? String(Int64(value)) : String(value)
        case .text(let text): text
        case .list(let items): items.isEmpty ? "none" : items.joined(separator: ",")
        case .none: "unknown"
        }
    }
}
