import BlackboxCore
import ArgumentParser
import BlackboxStore
import BlackboxViews
import DockerEngine
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show whether a recorder is running and connected, the store's size and rows, and the windows it may have missed.",
        discussion: """
            Reads the store only (safe while `blackbox record` writes). A blind window is a time in which the store may \\
            miss what happened: the engine was unreachable, or no recorder ran. For each, RECOVERED says how many engine \\
            events were replayed from the engine's own buffer and how many changes were found by reconciliation afterwards.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "How many of the newest blind windows to list.")
    var gaps = 10

    @Flag(help: "Print only the recorder's state, and exit 1 unless a recorder is running and connected to its engine (a health check).")
    var check = false

    func validate() throws {
        guard gaps >= 1 else { throw ValidationError("--gaps must be at least 1 (got \(gaps))") }
    }

    func run() throws {
        let store = try store.openForReading()
        let status = try store.recordingStatus()
        let state = RecorderState(status, held: RecorderLock.isHeld(storePath: store.path) == true)
        let now = Timestamp.nowNanos()
        if check {
            print("Recorder:  \(state.sentence(now: now))")
            if state.name != "connected" { throw ExitCode.failure }
            return
        }
        var windows = try store.blindWindows()
        if state.name == "crashed", let since = state.since {
            windows.append(BlindWindow(fromNanos: since, untilNanos: nil, reason: "recorder_crashed"))
        }
        let newest = Array(windows.reversed().prefix(gaps))
        let sizes = store.fileSizes()
        let tables = try store.tableCounts()
        if output.json {
            JSONOutput.print([StatusView(path: store.path, sizes: sizes, state: state, status: status, tables: tables, windows: newest, total: windows.count)])
            return
        }
        print("Store:     \(store.path)")
        print("Size:      \(Units.bytes(sizes.database + sizes.wal)) (database \(Units.bytes(sizes.database)), write-ahead log \(Units.bytes(sizes.wal)))")
        print("Recorder:  \(state.sentence(now: now))")
        if let last = status.lastRowNanos {
            // While the store cannot be written (disk full), this is what stops moving.
            print("Last row:  \(Timestamp.rfc3339(unixNanos: last)) (\(Units.ago(last, now: now)))")
        }
        if status.rejectedLines > 0 {
            print("Rejected:  \(status.rejectedLines) engine line(s) could not be decoded (kept as rejected_line events)")
        }
        print("")
        print(TableRenderer.render(headers: ["TABLE", "ROWS"], rows: tables.map { [$0.table, String($0.rows)] }))
        let rows = newest.map { window in
            [
                Self.time(window.fromNanos), window.untilNanos.map(Self.time) ?? "now", Units.span(nanos: (window.untilNanos ?? now) - window.fromNanos),
                window.reason, Self.recovered(window),
            ]
        }
        print("")
        if rows.isEmpty {
            print("Blind windows: none recorded")
        } else {
            let shown = windows.count > newest.count ? " (newest \(newest.count) of \(windows.count))" : ""
            print("Blind windows\(shown), newest first:")
            print(TableRenderer.render(headers: ["FROM", "UNTIL", "LENGTH", "REASON", "RECOVERED"], rows: rows))
        }
    }

    private static func time(_ nanos: Int64) -> String { Timestamp.rfc3339(unixNanos: nanos) }

    private static func recovered(_ window: BlindWindow) -> String {
        guard let gap = window.gap else { return window.untilNanos == nil ? "not recording" : "-" }
        if gap.droppedEvents != nil || gap.droppedSamples != nil {
            return "lost \(gap.droppedEvents ?? 0) events, \(gap.droppedSamples ?? 0) samples"
        }
        return "\(gap.replayed ?? 0) replayed, \(gap.reconciled ?? 0) reconciled"
    }
}
