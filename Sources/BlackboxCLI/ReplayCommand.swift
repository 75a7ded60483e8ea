import ArgumentParser
import BlackboxStore
import Foundation
import Playbooks

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild the projections (containers, incidents, playbook matches) from the event log with the current playbooks.",
        discussion: """
            Re-diagnoses the whole history, e.g. after a playbook was added or changed (--playbooks DIR). The event \
            log and the samples are not changed. Refused while `blackbox record` is recording into the store.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var playbooks: PlaybookOptions

    func run() throws {
        let library = try playbooks.load()
        let path = store.resolvedPath
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.missing(path: path) }
        let lock = try RecorderLock.acquire(storePath: path)
        let store = try store.openForWriting()
        let before = try store.bestMatches()
        let skipped = try store.rebuildProjections()
        if !skipped.isEmpty {
            printError(
                ("warning: \(skipped.count) event\(skipped.count == 1 ? "" : "s") with a time outside 1970–2100 left out (seq "
                        + skipped.prefix(10).map(String.init).joined(separator: ", ") + (skipped.count > 10 ? ", …" : "") + ")"))
        }
        // Every incident, undiagnosed after the rebuild: an interrupted replay is completed by the next command that writes.
        let diagnosed = try IncidentDiagnoser(store: store, playbooks: library.playbooks).diagnoseUndiagnosed()
        let after = try store.bestMatches()
        let (events, _) = try store.counts()
        print("replayed \(events) events: \(try store.containers().count) containers, \(diagnosed) incident\(diagnosed == 1 ? "" : "s") diagnosed")
        for incident in try store.incidents() {
            guard let id = incident.id else { continue }
            let old = before[id]?.playbookID ?? "no playbook matched"
            let new = after[id]?.playbookID ?? "no playbook matched"
            if old != new { print("  incident \(id) (\(IncidentText.containerLabel(incident))): \(old) → \(new)") }
        }
        withExtendedLifetime(lock) {}
    }
}
