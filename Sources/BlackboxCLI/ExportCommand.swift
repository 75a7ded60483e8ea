import ArgumentParser
import BlackboxStore
import DockerEngine
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a window of the recorded history (events, then samples) to standard output as JSON lines.",
        discussion: """
            The format is versioned and documented in docs/export-format.md; `blackbox import` reads it on any machine.
            Example: blackbox export --since 2h --project shop > window.jsonl
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp(TimeArgument.help, valueName: "time"))
    var since: TimeArgument?

    @Option(help: ArgumentHelp(TimeArgument.help, valueName: "time"))
    var until: TimeArgument?

    @Option(help: ArgumentHelp("Only this container (a name: all containers that had it; or an id prefix). Repeatable.", valueName: "name"))
    var container: [String] = []

    @Option(help: ArgumentHelp("Only the containers of this compose project.", valueName: "project"))
    var project: String?

    func run() throws {
        let store = try store.openForReading()
        var filter = ExportFilter(since: since?.unixNanos, until: until?.unixNanos)
        var described = ExportFormat.Filter(sinceNanos: since?.unixNanos, untilNanos: until?.unixNanos)
        if !container.isEmpty || project != nil {
            var ids: [String] = []
            for name in container { ids += try StoreOptions.containerIDs(name, in: store) }
            if let project {
                let members = try store.containerIDs(project: project)
                guard !members.isEmpty else { throw CLIError("no recorded container belongs to the compose project '\(project)'") }
                ids += members
                described.project = project
            }
            if !container.isEmpty { described.containers = container }
            filter.containerIDs = Array(Set(ids)).sorted()
        }
        var output = BufferedOutput()
        output.write(ExportFormat.header(exportedAtNanos: Timestamp.nowNanos(), filter: described))
        let (events, samples) = try store.export(filter) { output.write($0) }
        output.flush()
        FileHandle.standardError.write(Data("blackbox: exported \(events) events and \(samples) samples\n".utf8))
    }
}

/// Standard output written in 1 MiB pieces.
struct BufferedOutput {
    private var buffer = Data()

    mutating func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 20 { flush() }
    }

    mutating func flush() {
        FileHandle.standardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
