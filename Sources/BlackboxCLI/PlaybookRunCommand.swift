import BlackboxCore
import ArgumentParser
import BlackboxStore
import DockerEngine
import Foundation
import Playbooks

struct PlaybookRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Evaluate one playbook now against a container, with live evidence from the engine.",
        discussion: "Without --apply nothing changes: the actions are only printed. With --apply each is printed, then performed."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var engine: EngineOptions
    @OptionGroup var playbooks: PlaybookOptions

    @Argument(help: ArgumentHelp("The playbook's id.", valueName: "id"))
    var id: String

    @Option(help: ArgumentHelp("The container's name or id.", valueName: "name"))
    var container: String

    @Flag(help: "Perform the playbook's actions on the engine.")
    var apply = false

    func run() async throws {
        let library = try playbooks.load()
        guard let playbook = library.playbook(id: id) else { throw CLIError("no playbook '\(id)'; `blackbox playbook list` shows the ids") }
        let store = try store.openForWriting()
        let client = try await DockerClient.connect(to: try engine.address())
        do {
            try await run(playbook, store: store, client: client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    private func run(_ playbook: Playbook, store: EventStore, client: DockerClient) async throws {
        let (inspect, json) = try await client.inspectContainer(container)
        let redacted = CredentialRedactor().redactInspect(json) ?? Data("{}".utf8)
        let logs = try await client.logs(inspect.id, tail: 200, tty: inspect.config.tty)
        let now = Timestamp.nowNanos()
        let incident = try store.latestIncident(containerIDs: [inspect.id]) ?? Self.liveIncident(inspect, now: now)
        // Judged now: the latest failure's rows, with the engine's and this host's state of this moment.
        guard var context = try IncidentContext.load(incident, from: store, lookups: HostLookups(store: store)).occurrences.last else {
            throw CLIError("incident \(incident.id ?? 0) has no occurrence to judge")
        }
        context.inspect = JSONValue.parse(String(decoding: redacted, as: UTF8.self))
        context.logLines = logs
        let matcher = PlaybookMatcher(playbooks: [playbook])
        let matched = matcher.evaluate(playbook.match, context)
        let result = matcher.render(playbook, context)
        print("Playbook \(playbook.id): \(playbook.title)")
        print("Container \(inspect.name) (\(inspect.state.status)), incident \(incident.id.map(String.init) ?? "none recorded")")
        print(matched ? "MATCHES" : "does not match: the evidence below does not show this failure")
        if matched {
            print("")
            print("Diagnosis: \(result.diagnosis)")
            print("")
            print("Fix: \(result.fix)")
        }
        print("")
        print("Evidence (live):")
        for (name, value) in result.evidence {
            print("  \(name): \(name.hasSuffix("_bytes") ? TemplateRenderer.format(value, filter: "bytes") : TemplateRenderer.format(value, filter: nil))")
        }
        guard matched else {
            if apply { throw CLIError("the playbook does not match \(inspect.name); nothing was done") }
            return
        }
        let operations = playbook.actions
        guard !operations.isEmpty else {
            print("\nThis playbook has no actions.")
            return
        }
        print("")
        for operation in operations {
            let (method, path) = operation.request(containerID: inspect.id)
            let line = "\(operation.dockerCommand(container: inspect.name))   (\(method) \(path))"
            if !apply {
                print("Would run: \(line)")
                continue
            }
            print("Running: \(line)")
            do {
                try await client.perform(operation, containerID: inspect.id)
            } catch {
                print("  failed: \(error.localizedDescription)")
                throw CLIError("\(operation.dockerCommand(container: inspect.name)) failed; the actions after it were not run")
            }
            print("  done")
        }
        if !apply { print("\nNothing was changed. Add --apply to perform these actions.") }
    }

    /// When the store has no incident for the container, the playbook is judged on the live state alone.
    private static func liveIncident(_ inspect: ContainerInspect, now: Int64) -> IncidentState {
        IncidentState(
            id: nil, containerID: inspect.id, containerName: inspect.name, image: inspect.config.image,
            composeProject: inspect.config.labels[ComposeLabel.project], composeService: inspect.config.labels[ComposeLabel.service],
            trigger: inspect.state.error.isEmpty ? "die" : "start_failure",
            triggers: inspect.state.error.isEmpty ? "[\"die\"]" : "[\"start_failure\"]", openedNanos: inspect.state.finishedAtNanos ?? now,
            lastNanos: inspect.state.finishedAtNanos ?? now, occurrences: 1, exitCode: inspect.state.exitCode, stableSinceNanos: nil,
            resolvedNanos: nil, resolution: nil, eventSeqs: "[]", lastEventSeq: 0)
    }
}
