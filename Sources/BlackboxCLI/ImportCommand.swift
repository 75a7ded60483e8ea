import ArgumentParser
import BlackboxStore
import Foundation
import Playbooks

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load exported history (or `docker events --format '{{json .}}'` output) into the store.",
        discussion: """
            Reads `blackbox export` files and docker events lines; `-` reads standard input. Importing the same \
            lines twice stores them once. A bad line is reported as FILE:LINE with the reason and the rest is \
            imported; the exit status is 1 when any line was rejected. Imported incidents are diagnosed with the \
            playbooks in force.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var playbooks: PlaybookOptions

    @Argument(help: ArgumentHelp("The files to import (`-` for standard input).", valueName: "file"))
    var files: [String]

    /// Rejected lines printed, each with its file, line and reason (1000: enough to fix a file by, few enough to read);
    /// the rest are counted.
    static let printedRejections = 1000

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file to import") }
    }

    func run() throws {
        let library = try playbooks.load()
        let store = try store.openForWriting()
        let importer = StoreImporter(store: store, redactor: .configured())
        var total = ImportCounts()
        var rejected = 0
        var unreadable = 0
        let newestBefore = try store.latestEventTime()
        for file in files {
            let progress = ProgressBar(label: file)
            let counts: ImportCounts
            let rejections: [StoreImporter.Rejection]
            do {
                (counts, rejections) = try importer.importFile(file) { read, size in progress.update(read, of: size) }
            } catch let error as StoreImporter.Unreadable {
                // One file that cannot be read does not stop the others.
                progress.finish()
                printError("\(error.file): error: cannot read it: \(error.reason)")
                unreadable += 1
                continue
            }
            progress.finish()
            for rejection in rejections.prefix(max(0, Self.printedRejections - rejected)) {
                printError("\(rejection.file):\(rejection.line): error: \(rejection.reason)")
            }
            rejected += rejections.count
            total = total + counts
        }
        // Every incident not diagnosed as it is now: this import's, and any an interrupted run left.
        let diagnosed = try IncidentDiagnoser(store: store, playbooks: library.playbooks).diagnoseUndiagnosed()
        print(
            "imported \(total.events) events and \(total.samples) samples into \(store.path)"
                + " (already stored: \(total.duplicateEvents) events, \(total.duplicateSamples) samples); \(diagnosed) incident\(diagnosed == 1 ? "" : "s") diagnosed")
        if rejected > Self.printedRejections {
            printError("… and \(rejected - Self.printedRejections) more rejected lines")
        }
        if let first = total.firstSeq, newestBefore != nil, case let older = try store.eventsOlderThanStored(since: first), older > 0 {
            printError(
                ("warning: \(older) imported event\(older == 1 ? " is" : "s are") older than events already stored for the same containers; "
                        + "containers and incidents follow the order events were appended, so import older files first (into a new store: "
                        + "`blackbox import OLDER.jsonl NEWER.jsonl`)"))
        }
        if rejected > 0 || unreadable > 0 {
            let lines = rejected > 0 ? "\(rejected) line\(rejected == 1 ? " was" : "s were") rejected" : nil
            let files = unreadable > 0 ? "\(unreadable) file\(unreadable == 1 ? "" : "s") could not be read" : nil
            throw CLIError([lines, files].compactMap { $0 }.joined(separator: " and ") + " (see above); the summary above counts what was imported")
        }
    }
}
