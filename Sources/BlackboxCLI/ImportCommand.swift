import ArgumentParser
import BlackboxStore
import Foundation
import Playbooks

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load exported history (or `docker events --format '{{json .}}'` output) into the store.",
        discussion: """
            Reads `blackbox export` files and docker events lines; `-` reads standard input. Importing the same
            lines twice stores them once. A bad line is reported as FILE:LINE with the reason and the rest is
            imported; the exit status is 1 when any line was rejected. Imported incidents are diagnosed with the
            playbooks in force.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var playbooks: PlaybookOptions

    @Argument(help: ArgumentHelp("The files to import (`-` for standard input).", valueName: "file"))
    var files: [String]

    /// Rejected lines printed; the rest are counted.
    static let printedRejections = 50

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file to import") }
    }

    func run() throws {
        let library = try playbooks.load()
        let store = try store.openForWriting()
        let importer = StoreImporter(store: store)
        var total = ImportCounts()
        var rejected = 0
        for file in files {
            let progress = ProgressBar(label: file)
            let (counts, rejections) = try importer.importFile(file) { read, size in progress.update(read, of: size) }
            progress.finish()
            for rejection in rejections.prefix(max(0, Self.printedRejections - rejected)) {
                FileHandle.standardError.write(Data("\(rejection.file):\(rejection.line): error: \(rejection.reason)\n".utf8))
            }
            rejected += rejections.count
            total = total + counts
        }
        let diagnosed = try total.firstSeq.map { try IncidentDiagnoser(store: store, playbooks: library.playbooks).diagnose(touchedSince: $0) } ?? 0
        print(
            "imported \(total.events) events and \(total.samples) samples into \(store.path)"
                + " (already stored: \(total.duplicateEvents) events, \(total.duplicateSamples) samples); \(diagnosed) incident\(diagnosed == 1 ? "" : "s") diagnosed")
        if rejected > Self.printedRejections {
            FileHandle.standardError.write(Data("… and \(rejected - Self.printedRejections) more rejected lines\n".utf8))
        }
        if rejected > 0 {
            throw CLIError("\(rejected) line\(rejected == 1 ? " was" : "s were") rejected (see above); the others were imported")
        }
    }
}
