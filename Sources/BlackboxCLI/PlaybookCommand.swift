import ArgumentParser
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
        if output.json {
            JSONOutput.print(
                library.playbooks.map { ["id": $0.id, "title": $0.title, "severity": $0.severity.rawValue, "source": $0.source, "specificity": $0.specificity] })
            return
        }
        print(
            TableRenderer.render(
                headers: ["ID", "SEVERITY", "TITLE", "SOURCE"],
                rows: library.playbooks.map { [$0.id, $0.severity.rawValue, $0.title, $0.source] }))
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
        commandName: "lint", abstract: "Check playbook files; print every problem as file:line: error: message.")

    @Argument(help: ArgumentHelp("Playbook files.", valueName: "file"))
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one playbook file") }
    }

    func run() throws {
        let diagnostics = PlaybookLibrary.lint(paths: files)
        for diagnostic in diagnostics { print(diagnostic) }
        let bad = Set(diagnostics.map(\.file)).count
        if bad > 0 {
            throw CLIError("\(bad) of \(files.count) file\(files.count == 1 ? "" : "s") failed the lint (\(diagnostics.count) error\(diagnostics.count == 1 ? "" : "s"))")
        }
        print("\(files.count) playbook file\(files.count == 1 ? "" : "s") OK")
    }
}
