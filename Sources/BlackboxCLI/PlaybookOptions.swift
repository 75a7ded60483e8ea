import ArgumentParser
import Foundation
import Playbooks

/// `--playbooks DIR`: a user's playbooks, added to the built-ins (same id replaces a built-in).
struct PlaybookOptions: ParsableArguments {
    @Option(name: .customLong("playbooks"), help: ArgumentHelp("A directory of your own playbooks (*.yaml), also $BLACKBOX_PLAYBOOKS.", valueName: "dir"))
    var directory: String?

    /// The library in force; problems in files are printed to standard error and those files skipped.
    func load() -> PlaybookLibrary {
        let environment = ProcessInfo.processInfo.environment["BLACKBOX_PLAYBOOKS"].flatMap { $0.isEmpty ? nil : $0 }
        let library = PlaybookLibrary.load(userDirectory: directory ?? environment)
        for diagnostic in library.diagnostics {
            FileHandle.standardError.write(Data("\(diagnostic) (skipped)\n".utf8))
        }
        return library
    }
}
