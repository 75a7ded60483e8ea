import BlackboxCore
import BlackboxStore
import DockerEngine
import Foundation
import Playbooks
import Testing

@Suite struct PlaybookTests {
    /// Records the captured session and diagnoses every incident with the built-in playbooks.
    static func diagnosedFixtureStore(_ directory: TemporaryDirectory) throws -> EventStore {
        let store = try EventStore(path: directory.storePath)
        try FixtureSession.record(into: store)
        let diagnoser = IncidentDiagnoser(store: store, playbooks: PlaybookLibrary.builtIn.playbooks, lookups: NoLookups())
        for incident in try store.incidents() { try diagnoser.diagnose(incident) }
        return store
    }

    @Test func everyBuiltInPlaybookLoadsWithoutProblems() {
        let library = PlaybookLibrary.builtIn
        #expect(library.diagnostics.isEmpty, "\(library.diagnostics)")
        let ids = Set(library.playbooks.map(\.id))
        for id in [
            "oom-kill", "oom-child", "port-already-allocated", "address-in-use", "bind-mount-permission-denied", "read-only-mount",
            "read-only-rootfs", "command-cannot-run", "restart-loop", "unhealthy", "sigterm-ignored", "killed-by-signal",
        ] {
            #expect(ids.contains(id), "missing built-in \(id)")
        }
    }

    @Test func reportsEveryProblemWithItsLine() {
        let yaml = """
            id: demo
            title: Demo
            severity: loud
            match:
              all:
                - event: {action: die, exit_cod: 1}
                - log: "(broken"
            diagnosis: "{{missing}}"
            fix: ok
            extra: 1
            """
        let (playbook, diagnostics) = PlaybookParser.parse(yaml: yaml, file: "demo.yaml")
        #expect(playbook == nil)
        #expect(diagnostics.map(\.description) == [
            "demo.yaml:3: error: severity 'loud' is not one of critical, error, warning, info",
            "demo.yaml:6: error: unknown key 'exit_cod' (expected one of: type, action, exit_code, signal)",
            "demo.yaml:7: error: invalid regular expression '(broken'",
            "demo.yaml:8: error: unknown value '{{missing}}': declare it under evidence or use a built-in (compose_project, compose_service, container, depends_on_at, error_line, exit_code, exit_meaning, first_seen, image, last_seen, log_driver, log_tail_missing, logs_unavailable, occurrences, ran_for, restart_policy, signal_name, state_error, stop_waited, trigger, user)",
            "demo.yaml:10: error: unknown key 'extra' (expected one of: id, title, class, severity, fallback, sources, match, evidence, diagnosis, fix, actions)",
        ])
    }

    @Test func everyBuiltInValueLintsInATemplate() {
        for builtin in BuiltinValue.allCases {
            let section = builtin.isAlwaysPresent ? "`run {{\(builtin.rawValue)}}`" : "{{#\(builtin.rawValue)}}`run {{\(builtin.rawValue)}}`{{/\(builtin.rawValue)}}"
            let yaml = "id: b\ntitle: t\nseverity: info\nmatch: {trigger: oom}\ndiagnosis: \"\(section)\"\nfix: ok\n"
            let (playbook, diagnostics) = PlaybookParser.parse(yaml: yaml, file: "b.yaml")
            #expect(playbook != nil && diagnostics.isEmpty, "\(builtin.rawValue): \(diagnostics.map(\.description))")
        }
    }

    @Test func lintCatchesMalformedPlaceholdersAndSharedIds() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let good = "id: same\ntitle: t\nseverity: info\nmatch: {trigger: oom}\ndiagnosis: ok\nfix: ok\n"
        let first = directory.url.appending(path: "a.yaml")
        let second = directory.url.appending(path: "b.yaml")
        try good.write(to: first, atomically: true, encoding: .utf8)
        try good.write(to: second, atomically: true, encoding: .utf8)
        #expect(PlaybookLibrary.lint(paths: [first.path, second.path]).map(\.message) == ["id 'same' is already used by \(first.path)"])
        let broken = good.replacingOccurrences(of: "diagnosis: ok", with: "diagnosis: \"{{unclosed\"")
        let (_, problems) = PlaybookParser.parse(yaml: broken, file: "c.yaml")
        #expect(problems.map(\.description) == ["c.yaml:5: error: a placeholder is malformed: write {{name}}, {{name|filter}}, {{#name}}…{{/name}} or {{^name}}…{{/name}} (1 of 1 are not)"])
    }

    @Test func aUserDirectoryOverridesABuiltInAndABadFileIsSkipped() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let override = """
            id: oom-kill
            title: Our own OOM text
            severity: info
            match: {trigger: oom}
            diagnosis: ours
            fix: ours
            """
        try override.write(to: directory.url.appending(path: "oom.yaml"), atomically: true, encoding: .utf8)
        try "id: [".write(to: directory.url.appending(path: "broken.yaml"), atomically: true, encoding: .utf8)
        let library = PlaybookLibrary.load(userDirectory: directory.url.path)
        #expect(library.playbook(id: "oom-kill")?.title == "Our own OOM text")
        #expect(library.playbooks.count == PlaybookLibrary.builtIn.playbooks.count)
        #expect(library.diagnostics.count == 1)
        #expect(library.diagnostics.first?.file.hasSuffix("broken.yaml") == true)
    }

    @Test func diagnosesTheCapturedFailures() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Self.diagnosedFixtureStore(directory)
        func best(_ name: String) throws -> [PlaybookMatchRecord] {
            let incident = try #require(try store.latestIncident(containerIDs: store.containerIDs(matching: name)), "no incident for \(name)")
            return try store.matches(incidentID: try #require(incident.id))
        }
        let oom = try best("fx-oom")
        #expect(oom.map(\.playbookID) == ["oom-kill"], "the shape of the failure (SIGKILL) is no alternative to its cause")
        #expect(oom.first?.diagnosis.contains("32MiB") == true)
        // The limit it hit plus 200 MiB: 32 MiB + 200 MiB = 232 MiB.
        #expect(oom.first?.fix.contains("--memory 232m") == true)
        #expect(try best("fx-conflict").first?.playbookID == "port-already-allocated")
        #expect(try best("fx-conflict").first?.diagnosis.contains("host port 18080") == true)
        #expect(try best("fx-noexec").first?.playbookID == "command-cannot-run")
        #expect(try best("fx-health").first?.playbookID == "unhealthy")
        #expect(try store.latestIncident(containerIDs: store.containerIDs(matching: "fx-ok")) == nil)
    }

    @Test func theExamplesInPlaybooksREADMEAreValidPlaybooks() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../../playbooks/README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let blocks = text.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "\n```")[0] }
        #expect(blocks.count == 2)
        for block in blocks {
            let (playbook, diagnostics) = PlaybookParser.parse(yaml: block, file: "README.md")
            #expect(diagnostics.isEmpty, "\(diagnostics)")
            #expect(playbook != nil)
        }
    }

    @Test func ranksTheMoreSpecificPlaybookFirst() throws {
        let generic = try #require(PlaybookLibrary.builtIn.playbook(id: "killed-by-signal"))
        let oom = try #require(PlaybookLibrary.builtIn.playbook(id: "oom-kill"))
        let sigterm = try #require(PlaybookLibrary.builtIn.playbook(id: "sigterm-ignored"))
        #expect(oom.specificity > generic.specificity)
        #expect(sigterm.specificity > generic.specificity)
    }

    /// An `any` counts the branch that held, not every branch: a playbook that knows two unrelated ways to match
    /// (command-cannot-run: an OCI error at start, or exit 126/127) is not more specific than one that names the
    /// loader's error line on the same exit 127.
    @Test func anAnyCountsTheBranchThatHeld() throws {
        var history = InMemoryHistory(name: "app")
        history.inspect = ["Config": ["Image": "app:1"], "HostConfig": ["RestartPolicy": ["Name": "no"]]]
        history.engine("create")
        history.start()
        history.advance(seconds: 1)
        history.die(127, log: ["/usr/local/bin/app: error while loading shared libraries: libz.so.1: cannot open shared object file: No such file or directory"])
        let incident = try #require(history.incidents.first)
        let context = try #require(history.evidence(incident).occurrences.first)
        let matcher = PlaybookMatcher(playbooks: PlaybookLibrary.builtIn.playbooks)
        let command = try #require(PlaybookLibrary.builtIn.playbook(id: "command-cannot-run"))
        let library = try #require(PlaybookLibrary.builtIn.playbook(id: "shared-library-missing"))
        #expect(matcher.specificity(command.match, context) == 3, "the die branch only: the start-failure branch did not hold")
        #expect(matcher.specificity(library.match, context) == 4)
        #expect(matcher.matches(context).first?.playbook.id == "shared-library-missing")
    }

    @Test func conditionsCompareNumbersAndSignalsLoosely() {
        #expect(Condition.equals(.number(137)).holds(for: .string("137")))
        #expect(Condition.oneOf([.number(126), .number(127)]).holds(for: .number(127)))
        #expect(!Condition.equals(.bool(true)).holds(for: .number(1)))
        #expect(Condition.notEquals(.bool(true)).holds(for: nil))
        #expect(Condition.matches("allocated").holds(for: .string("port is already allocated")))
        #expect(Condition.exists(false).holds(for: .string("")))
        #expect(TemplateRenderer.render("{{a|mib}}m of {{b|bytes}}, {{c}}", values: ["a": .number(243_269_632), "b": .number(1536)]) == "232m of 1.5KiB, unknown")
    }

    /// A quoted log line that ends its own sentence takes the place of the template's full stop; in a command, and for
    /// an ellipsis, the text stays as written.
    @Test func aValueThatEndsASentenceTakesThePlaceOfTheFullStop() {
        let line: [String: JSONValue] = ["line": .string("Database is uninitialized and superuser password is not specified.")]
        #expect(TemplateRenderer.render("It exited: {{line}}. The image", values: line) == "It exited: Database is uninitialized and superuser password is not specified. The image")
        #expect(TemplateRenderer.render("It said {{line}}{{#none}} (none){{/none}}.", values: line).hasSuffix("not specified."))
        #expect(TemplateRenderer.render("It said {{line}}...", values: line).hasSuffix("specified...."))
        #expect(TemplateRenderer.render("Run `echo {{v}}.` now.", values: ["v": .string("a.")]) == "Run `echo a..` now.")
        #expect(TemplateRenderer.render("Version {{v}}.", values: ["v": .string("1.2")]) == "Version 1.2.")
    }
}

/// No host lookups: unit tests must not depend on this machine's ports and files.
struct NoLookups: EvidenceLookups {
    func portHolder(hostPort: String, excluding containerID: String) -> String? { nil }
    func volumeUser(volume: String, excluding containerID: String) -> String? { nil }
    func pathOwner(_ path: String) -> String? { nil }
    func portProcess(_ port: String) -> String? { nil }
    func program(_ path: String) -> EventRecord.ProgramFacts? { nil }
}
