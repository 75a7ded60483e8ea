import ArgumentParser
import BlackboxStore
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

    func run() throws {
        let store = try store.openForReading()
        let status = try store.recordingStatus(recentGaps: gaps)
        let state = RecorderState(status, held: RecorderLock.isHeld(storePath: store.path) == true)
        let sizes = store.fileSizes()
        let tables = try store.tableCounts()
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        if output.json {
            JSONOutput.print([json(store: store, state: state, status: status, sizes: sizes, tables: tables)])
            return
        }
        print("Store:     \(store.path)")
        print("Size:      \(Units.bytes(sizes.database + sizes.wal)) (database \(Units.bytes(sizes.database)), write-ahead log \(Units.bytes(sizes.wal)))")
        print("Recorder:  \(state.sentence(now: now))")
        if status.rejectedLines > 0 {
            print("Rejected:  \(status.rejectedLines) engine line(s) could not be decoded (kept as rejected_line events)")
        }
        print("")
        print(TableRenderer.render(headers: ["TABLE", "ROWS"], rows: tables.map { [$0.table, String($0.rows)] }))
        var windows = status.gaps.map { gap in
            [Self.time(gap.fromNanos), Self.time(gap.untilNanos), Units.span(gap.untilNanos - gap.fromNanos), gap.reason, Self.recovered(gap)]
        }
        if let open = state.openWindowStart {
            windows.insert([Self.time(open), "now", Units.span(now - open), state.name, "not recording"], at: 0)
        }
        print("")
        if windows.isEmpty {
            print("Blind windows: none recorded")
        } else {
            let shown = status.gapCount > status.gaps.count ? " (newest \(status.gaps.count) of \(status.gapCount))" : ""
            print("Blind windows\(shown):")
            print(TableRenderer.render(headers: ["FROM", "UNTIL", "LENGTH", "REASON", "RECOVERED"], rows: windows))
        }
    }

    private static func time(_ nanos: Int64) -> String { Timestamp.rfc3339(unixNanos: nanos) }

    private static func recovered(_ gap: EventRecord.Gap) -> String {
        if gap.droppedEvents != nil || gap.droppedSamples != nil {
            return "lost \(gap.droppedEvents ?? 0) events, \(gap.droppedSamples ?? 0) samples"
        }
        return "\(gap.replayed ?? 0) replayed, \(gap.reconciled ?? 0) reconciled"
    }

    private func json(store: EventStore, state: RecorderState, status: EventStore.RecordingStatus, sizes: (database: Int64, wal: Int64),
                      tables: [(table: String, rows: Int)]) -> [String: Any] {
        var recorder: [String: Any] = ["state": state.name]
        if let since = state.since { recorder["since_ns"] = since; recorder["since"] = Timestamp.rfc3339(unixNanos: since) }
        if let address = state.address { recorder["address"] = address }
        if let reason = state.reason { recorder["reason"] = reason }
        return [
            "store": ["path": store.path, "database_bytes": sizes.database, "wal_bytes": sizes.wal],
            "recorder": recorder,
            "tables": Dictionary(uniqueKeysWithValues: tables.map { ($0.table, $0.rows) }),
            "gaps": status.gaps.map { gap -> [String: Any] in
                var object: [String: Any] = ["reason": gap.reason, "from_ns": gap.fromNanos, "until_ns": gap.untilNanos]
                for (key, value) in [("replayed", gap.replayed), ("reconciled", gap.reconciled), ("dropped_events", gap.droppedEvents),
                                     ("dropped_samples", gap.droppedSamples)] {
                    if let value { object[key] = value }
                }
                return object
            },
            "gap_count": status.gapCount, "rejected_lines": status.rejectedLines,
        ]
    }
}
