import ArgumentParser
import BlackboxViews
import Foundation
import Playbooks

struct PlaybookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "playbook",
        abstract: "List, show, check and run playbooks.",
        subcommands: [PlaybookListCommand.self, PlaybookShowCommand.self, PlaybookLintCommand.self, PlaybookRunCommand.self]
    )
}

struct PlaybookListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the playbooks in force.")

    @OptionGroup var playbooks: PlaybookOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let library = try playbooks.load()
        let order = Playbook.FailureClass.allCases.map(\.rawValue) + ["other"]
        let grouped = library.playbooks.enumerated().sorted { lhs, rhs in
            let left = order.firstIndex(of: lhs.element.failureClass?.rawValue ?? "other") ?? order.count
            let right = order.firstIndex(of: rhs.element.failureClass?.rawValue ?? "other") ?? order.count
            return (left, lhs.offset) < (right, rhs.offset)
        }.map(\.element)
        if output.json {
            JSONOutput.print(grouped.map(PlaybookView.init))
            return
        }
        print(
            TableRenderer.render(
                headers: ["CLASS", "ID", "SEVERITY", "TITLE", "SOURCE"],
                rows: grouped.map { [$0.failureClass?.rawValue ?? "other", $0.id, $0.severity.rawValue + ($0.fallback ? " (fallback)" : ""), $0.title, $0.source] }))
    }
}

struct PlaybookShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print a playbook's YAML.")

    @OptionGroup var playbooks: PlaybookOptions

    @Argument(help: ArgumentHelp("The playbook's id.", valueName: "id"))
    var id: String

    func run() throws {
        let library = try playbooks.load()
        guard let playbook = library.playbook(id: id) else {
            throw CLIError("no playbook '\(id)'; `blackbox playbook list` shows the ids")
        }
        print("# \(playbook.source)")
        print(playbook.yaml, terminator: playbook.yaml.hasSuffix("\n") ? "" : "\n")
    }
}

struct PlaybookLintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check playbook files; print every problem as file:line: error|warning: message.",
        discussion: "Errors keep a file from loading and make the exit status 1; warnings (a command that could be printed with a value missing) do not.")

    @Argument(help: ArgumentHelp("Playbook files.", valueName: "file"))
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one playbook file") }
    }

    func run() throws {
        let diagnostics = PlaybookLibrary.lint(paths: files)
        for diagnostic in diagnostics { print(diagnostic) }
        let errors = diagnostics.filter { $0.severity == .error }
        let bad = Set(errors.map(\.file)).count
        if bad > 0 {
            throw CLIError("\(bad) of \(files.count) file\(files.count == 1 ? "" : "s") failed the lint (\(errors.count) error\(errors.count == 1 ? "" : "s"))")
        }
        let warned = diagnostics.count - errors.count
        print("\(files.count) playbook file\(files.count == 1 ? "" : "s") OK" + (warned > 0 ? " (\(warned) warning\(warned == 1 ? "" : "s"))" : ""))
    }
}
