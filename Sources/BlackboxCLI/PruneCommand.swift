import ArgumentParser
import BlackboxViews
import BlackboxStore
import DockerEngine
import Foundation

struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Roll up old resource samples and delete what is older than the retention periods.",
        discussion: """
            Works in small transactions, so it can run while `blackbox record` writes. Open incidents, the events an \
            incident still shown rests on, and the latest inspect snapshot of every container not removed are kept.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var retention: RetentionOptions
    @OptionGroup var output: OutputOptions

    @Flag(help: "Count what would be rolled up and deleted, and change nothing.")
    var dryRun = false

    func run() throws {
        let now = Timestamp.nowNanos()
        let report =
            dryRun
            ? try store.openForReading().prunable(policy: retention.policy, now: now)
            : try store.openForWriting().prune(policy: retention.policy, now: now)
        let rows: [(table: String, rolledUp: Int?, written: Int?, deleted: Int)] = [
            ("samples", report.samplesRolledUp, nil, report.samplesDeleted),
            ("sample_rollups", nil, report.rollupsWritten, report.rollupsDeleted),
            ("events", nil, nil, report.eventsDeleted),
            ("incidents", nil, nil, report.incidentsDeleted),
            ("containers", nil, nil, report.containersDeleted),
            ("container_keys", nil, nil, report.containerKeysDeleted),
        ]
        if output.json {
            JSONOutput.print(rows.map { PruneView(table: $0.table, rolledUp: $0.rolledUp, written: $0.written, deleted: $0.deleted, dryRun: dryRun) })
            return
        }
        if report.isEmpty {
            print("Nothing to prune: nothing is older than the retention periods (samples \(retention.keepSamples.text), roll-ups \(retention.keepRollups.text), events \(retention.keepEvents.text)).")
            return
        }
        print(
            TableRenderer.render(
                headers: ["TABLE", "ROLLED UP", "WRITTEN", dryRun ? "WOULD DELETE" : "DELETED"],
                rows: rows.map { [$0.table, $0.rolledUp.map(String.init) ?? "-", $0.written.map(String.init) ?? "-", String($0.deleted)] }))
        if !dryRun { print("\(report.transactions) transactions") }
    }
}
