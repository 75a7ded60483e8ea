import ArgumentParser
import Foundation
import Playbooks

/// `--playbooks DIR`: a user's playbooks, added to the built-ins (same id replaces a built-in).
struct PlaybookOptions: ParsableArguments {
    @Option(name: .customLong("playbooks"), help: ArgumentHelp("A directory of your own playbooks (*.yaml), also $BLACKBOX_PLAYBOOKS.", valueName: "dir"))
    var directory: String?

    /// The library in force; problems in files are printed to standard error and those files skipped.
    ///
    /// - Throws: ``CLIError`` when the named directory does not exist (a typo would otherwise run with the built-ins only).
    func load() throws -> PlaybookLibrary {
        let environment = ProcessInfo.processInfo.environment["BLACKBOX_PLAYBOOKS"].flatMap { $0.isEmpty ? nil : $0 }
        let userDirectory = directory ?? environment
        var isDirectory: ObjCBool = false
        if let userDirectory, !FileManager.default.fileExists(atPath: userDirectory, isDirectory: &isDirectory) || !isDirectory.boolValue {
            throw CLIError("the playbook directory \(userDirectory) does not exist (from \(directory != nil ? "--playbooks" : "BLACKBOX_PLAYBOOKS"))")
        }
        let library = PlaybookLibrary.load(userDirectory: userDirectory)
        for diagnostic in library.diagnostics where diagnostic.severity == .error {
            let skipped = diagnostic.message.contains("skipped") ? "" : " (this file is skipped)"
            FileHandle.standardError.write(Data("\(diagnostic)\(skipped)\n".utf8))
        }
        return library
    }
}
