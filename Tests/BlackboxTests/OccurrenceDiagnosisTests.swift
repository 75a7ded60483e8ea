@testable import BlackboxCLI
import BlackboxStore
import DockerEngine
import Foundation
import Playbooks
import Testing

/// Occurrences are the unit of diagnosis: each failure is judged by its own evidence, and what the user does
/// afterwards (`docker rm -f`, `docker kill`, a fix and a restart) never changes it. In memory: the pure fold, the
/// window split and the matcher, with the built-in playbooks.
@Suite struct OccurrenceDiagnosisTests {
    nonisolated(unsafe) static let bindMount: [String: Any] = [
        "Config": ["User": "1000:1000", "Image": "app:1", "Cmd": ["app"]],
        "HostConfig": ["RestartPolicy": ["Name": "no"], "Memory": 0],
        "Mounts": [["Type": "bind", "Source": "/srv/app-data", "Destination": "/data", "RW": true]],
    ]

    /// Every rendered text of every occurrence's best match.
    static func texts(_ matches: [[PlaybookMatch]]) -> [String] {
        matches.flatMap { $0.prefix(1).flatMap { [$0.diagnosis, $0.fix] } }
    }

    @Test(arguments: ["rm -f", "kill", "fix and restart"])
    func aPermissionErrorKeepsItsDiagnosisWhateverTheUserDoesNext(_ cleanup: String) throws {
        var history = InMemoryHistory(name: "uploader")
        history.inspect = Self.bindMount
        history.engine("create")
        history.start()
        history.advance(seconds: 7)
        let die = history.die(1, log: ["starting uploader", "open /data/state.json: permission denied"])
        history.hostFacts(trigger: die, EventRecord.HostFacts(paths: ["/srv/app-data": "uid 0, gid 0, mode 0755"]))
        history.advance(seconds: 3)
        switch cleanup {
        case "rm -f": history.removeForcibly(running: false)
        case "kill":
            history.start()
            history.advance(seconds: 2)
            history.engine("kill", signal: "9")
            history.die(137, log: ["still going"])
        default:
            history.start()
            history.advance(seconds: 20)
            history.removeForcibly()
        }
        #expect(history.incidents.count == 1)
        let incident = try #require(history.incidents.first)
        #expect(incident.occurrences == 1, "the later kill is deliberate, not an occurrence")
        let (matches, diagnosed) = history.diagnose(incident)
        #expect(diagnosed == 0)
        let best = try #require(matches[0].first)
        #expect(best.playbook.id == "bind-mount-permission-denied")
        #expect(best.diagnosis.contains("uid 0, gid 0, mode 0755 when it failed"), "\(best.diagnosis)")
        #expect(best.fix.contains("`chown -R 1000:1000 /srv/app-data`"), "\(best.fix)")
        #expect(!Self.texts(matches).joined().contains("unknown"))
        #expect(history.evidence(incident).occurrences[0].history.last?.ranForNanos.map { $0 / 1_000_000_000 } == 7)
    }

    @Test func aChildOOMKillStaysAChildOOMKillWhenTheContainerIsKilledLater() throws {
        var history = InMemoryHistory(name: "worker")
        history.inspect = ["Config": ["Image": "app:1"], "HostConfig": ["Memory": 33_554_432, "RestartPolicy": ["Name": "no"]]]
        history.start()
        history.advance(seconds: 5)
        history.engine("oom")
        history.advance(seconds: 30)
        history.engine("kill", signal: "9")
        history.die(137, oomKilled: true)
        let incident = try #require(history.incidents.first)
        #expect(history.incidents.count == 1 && incident.occurrences == 1)
        let (matches, _) = history.diagnose(incident)
        #expect(matches[0].first?.playbook.id == "oom-child")
        #expect(!matches[0].contains { $0.playbook.id == "oom-kill" })
        #expect(matches[0].first?.diagnosis.contains("kept running") == true, "\(matches[0].first?.diagnosis ?? "")")
    }

    @Test func aRestartLoopWithAKnownCauseIsDiagnosedByItsCause() throws {
        var history = InMemoryHistory(name: "api")
        history.inspect = ["Config": ["Image": "app:1", "Cmd": ["/app/server"]], "HostConfig": ["RestartPolicy": ["Name": "always"]]]
        for _ in 0..<5 {
            history.start()
            history.advance(seconds: 0.2)
            history.die(127, log: ["/bin/sh: /app/server: not found"], restarting: true)
            history.advance(seconds: 1)
        }
        let incident = try #require(history.incidents.first)
        #expect(incident.occurrences == 5)
        let (matches, diagnosed) = history.diagnose(incident)
        #expect(matches.count == 5)
        #expect(diagnosed == 0)
        #expect(matches.allSatisfy { $0.first?.playbook.id == "command-cannot-run" })
        #expect(matches[4].map(\.playbook.id) == ["command-cannot-run"], "a fallback that says no playbook knows why is no alternative to the cause")
    }

    /// A container under `--restart always` that fails `failures` times with exit 3 and a line no playbook knows.
    static func unknownCauseLoop(failures: Int) -> InMemoryHistory {
        var history = InMemoryHistory(name: "api")
        history.inspect = ["Config": ["Image": "app:1"], "HostConfig": ["RestartPolicy": ["Name": "always"]]]
        for _ in 0..<failures {
            history.start()
            history.advance(seconds: 0.5)
            history.die(3, log: ["booting", "config: key 'listen' wants a number, got \"eighty\"", "bye"], restarting: true)
            history.advance(seconds: 1)
        }
        return history
    }

    @Test func aRestartLoopWithAnUnknownCauseShowsItsErrorLine() throws {
        let history = Self.unknownCauseLoop(failures: 4)
        let incident = try #require(history.incidents.first)
        let (matches, diagnosed) = history.diagnose(incident)
        #expect(diagnosed == 3, "the last occurrence, whose loop covers every failure before it")
        let best = try #require(matches[diagnosed].first)
        #expect(best.playbook.id == "restart-loop")
        #expect(best.diagnosis.contains("config: key 'listen' wants a number"), "\(best.diagnosis)")
        #expect(best.diagnosis.contains("exit codes 3, 3, 3, 3"), "\(best.diagnosis)")
        #expect(!Self.texts(matches).joined().contains("unknown"), "\(Self.texts(matches))")
    }

    /// A `docker rm -f` during the loop removes the container before the last failure's log tail is read: the loop is
    /// diagnosed with the latest failure whose tail was read, so its error line is still shown.
    @Test func aRestartLoopRemovedMidwayShowsTheErrorLineOfTheLastTailRead() throws {
        var history = Self.unknownCauseLoop(failures: 4)
        history.start()
        history.advance(seconds: 0.5)
        let die = history.engine("die", exitCode: 3)
        history.append(
            .logTail(
                containerID: history.containerID, containerName: "api", lines: nil,
                failure: "the container was removed before its logs could be read (run with --rm or removed at once)", timeNanos: history.now, trigger: die,
                redacted: nil))
        history.engine("destroy")
        let incident = try #require(history.incidents.first)
        let (matches, diagnosed) = history.diagnose(incident)
        #expect(matches.count == 5)
        #expect(diagnosed == 3, "the fourth failure: the fifth's tail was never read")
        let best = try #require(matches[diagnosed].first)
        #expect(best.playbook.id == "restart-loop")
        #expect(best.diagnosis.contains("config: key 'listen' wants a number"), "\(best.diagnosis)")
    }

    /// 128 + n is a signal only up to SIGRTMAX (64): npm's 243 is its own code, and no one is told to look for a sender.
    @Test func anExitCodeAboveEveryLinuxSignalIsNoSignal() throws {
        #expect(Signal.name(forExitCode: 243) == nil)
        #expect(Signal.name(forExitCode: 192) == "signal 64")
        #expect(Signal.name(forExitCode: 132) == "SIGILL")
        #expect(!ExitCode.meaning(243).contains("signal 115"), "\(ExitCode.meaning(243))")
        #expect(ExitCode.meaning(243).contains("a code of its own"))
        var history = InMemoryHistory(name: "web")
        history.inspect = ["Config": ["Image": "app:1"], "HostConfig": ["RestartPolicy": ["Name": "no"]]]
        history.start()
        history.advance(seconds: 2)
        history.die(243, log: ["npm ERR! code E243"])
        let incident = try #require(history.incidents.first)
        let (matches, _) = history.diagnose(incident)
        #expect(!matches[0].contains { $0.playbook.id == "killed-by-signal" }, "\(matches[0].map(\.playbook.id))")
        #expect(matches[0].first?.playbook.id == "unrecognised-exit")
    }

    @Test func theEnginesErrorOutranksTheExitCode() throws {
        var history = InMemoryHistory(name: "web")
        history.inspect = ["Config": ["Image": "app:1"], "HostConfig": ["RestartPolicy": ["Name": "no"]]]
        history.engine("create")
        let error = #"failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error mounting "/srv/nginx.conf" to rootfs at "/etc/nginx/nginx.conf": mount /srv/nginx.conf:/etc/nginx/nginx.conf (via /proc/self/fd/6), flags: 0x5000: not a directory: unknown: Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type"#
        history.startFailure(error: error, exitCode: 127)
        let incident = try #require(history.incidents.first)
        let (matches, _) = history.diagnose(incident)
        #expect(matches[0].first?.playbook.id == "mount-source-invalid", "\(matches[0].map(\.playbook.id))")
        #expect(!matches[0].contains { $0.playbook.id == "command-cannot-run" })
        #expect(matches[0].first?.diagnosis.contains("at /etc/nginx/nginx.conf") == true, "\(matches[0].first?.diagnosis ?? "")")
    }

    @Test func anUnhealthyContainerFixedAndRestartedKeepsItsDiagnosis() throws {
        var history = InMemoryHistory(name: "db")
        history.inspect = [
            "Config": ["Image": "app:1", "Healthcheck": ["Test": ["CMD", "pg_isready"], "Retries": 3]],
            "HostConfig": ["RestartPolicy": ["Name": "no"]],
        ]
        history.start()
        history.advance(seconds: 10)
        let unhealthy = history.engine("health_status: unhealthy")
        history.snapshot(trigger: unhealthy, state: ["Status": "running", "Health": ["Status": "unhealthy", "FailingStreak": 3, "Log": [["Start": "t1", "ExitCode": 1, "Output": "no response"]]]])
        history.advance(seconds: 5)
        history.engine("kill", signal: "15")
        history.die(143)
        history.start()
        history.advance(seconds: 5)
        history.engine("health_status: healthy")
        let incident = try #require(history.incidents.first)
        let (matches, _) = history.diagnose(incident)
        #expect(matches[0].first?.playbook.id == "unhealthy")
        #expect(matches[0].first?.diagnosis.contains("failed 3 times in a row") == true, "\(matches[0].first?.diagnosis ?? "")")
        #expect(matches[0].first?.diagnosis.contains("exit 1: no response") == true)
    }

    /// The tester's s8 (moby/moby#33410-style): a health check starts failing, the person runs `docker restart -t 1`,
    /// which has to SIGKILL the app. The stop is its own occurrence, and the health failure stays the diagnosis.
    @Test func aStopThatTimesOutAfterAnUnhealthyIsItsOwnOccurrenceAndTheHealthFailureStaysTheDiagnosis() throws {
        var history = InMemoryHistory(name: "web")
        history.inspect = [
            "Config": ["Image": "app:1", "Cmd": ["sh", "-c", "serve"], "Healthcheck": ["Test": ["CMD-SHELL", "wget -q http://127.0.0.1:8080/health"], "Retries": 2]],
            "HostConfig": ["RestartPolicy": ["Name": "no"]],
        ]
        history.start()
        history.advance(seconds: 8)
        let unhealthy = history.engine("health_status: unhealthy")
        history.snapshot(trigger: unhealthy, state: ["Status": "running", "Health": ["Status": "unhealthy", "FailingStreak": 2, "Log": [["Start": "t1", "ExitCode": 1, "Output": "wget: server returned error: HTTP/1.1 404 Not Found"]]]])
        history.advance(seconds: 3)
        history.engine("kill", signal: "15")
        history.advance(seconds: 1)
        history.engine("kill", signal: "9")
        history.die(137, log: ["serving on :8080"])
        let incident = try #require(history.incidents.first)
        #expect(incident.occurrences == 2)
        #expect(incident.occurrenceList.map(\.triggers) == [["unhealthy"], ["stop_timeout"]])
        let (matches, diagnosed) = history.diagnose(incident)
        #expect(diagnosed == 0)
        #expect(matches[0].first?.playbook.id == "unhealthy")
        #expect(matches[0].first?.diagnosis.contains("HTTP/1.1 404 Not Found") == true, "\(matches[0].first?.diagnosis ?? "")")
    }

    /// The tester's s5: the first start fails (a log driver that cannot connect), the person fixes it and the app then
    /// exits 1 for a reason of its own. Another kind of failure: the first failure's diagnosis stays the incident's.
    @Test func aLaterFailureOfAnotherKindDoesNotReplaceTheFirstDiagnosis() throws {
        var history = InMemoryHistory(name: "app")
        history.inspect = ["Config": ["Image": "app:1"], "HostConfig": ["RestartPolicy": ["Name": "no"]]]
        history.engine("create")
        history.startFailure(error: "failed to initialize logging driver: dial tcp 127.0.0.1:5514: connect: connection refused", exitCode: 128)
        history.advance(seconds: 20)
        history.start()
        history.advance(seconds: 1)
        history.die(1, log: ["Traceback (most recent call last):", "ModuleNotFoundError: No module named 'click'"])
        let incident = try #require(history.incidents.first)
        #expect(incident.occurrences == 2)
        let (matches, diagnosed) = history.diagnose(incident)
        #expect(matches[1].first?.playbook.id == "python-module-not-found")
        #expect(diagnosed == 0, "the start failure came first; the app's own error is occurrence 2")
    }

    /// The tester's s12: an OOM kill under `restart: always`; the engine restarts it before the recorder reads the
    /// tail, so the tail read for the OOM kill holds the next run's `lock file "postmaster.pid" already exists`. The
    /// next run's lines are not evidence of the OOM kill.
    @Test func aTailReadAfterTheNextRunBeganHoldsOnlyTheDeadRunsLines() throws {
        var history = InMemoryHistory(name: "db")
        history.inspect = ["Config": ["Image": "postgres:16"], "HostConfig": ["Memory": 33_554_432, "RestartPolicy": ["Name": "always"]]]
        history.start()
        history.advance(seconds: 3)
        history.engine("oom")
        let die = history.engine("die", exitCode: 137)
        history.snapshot(trigger: die, state: ["Status": "restarting", "Running": false, "ExitCode": 137, "OOMKilled": true])
        history.advance(seconds: 0.6)
        history.start()
        history.advance(seconds: 0.05)
        history.logTail(trigger: die, stamped: [(0.8, "LOG:  loading index"), (0.04, #"FATAL:  lock file "postmaster.pid" already exists"#)])
        history.die(1, log: [#"FATAL:  lock file "postmaster.pid" already exists"#], restarting: true)
        let incident = try #require(history.incidents.first)
        let evidence = history.evidence(incident)
        #expect(evidence.occurrences.count == 2)
        #expect(evidence.occurrences[0].logLines.map(\.text) == ["LOG:  loading index"])
        let (matches, diagnosed) = history.diagnose(incident)
        #expect(diagnosed == 0)
        #expect(matches[0].first?.playbook.id == "oom-kill")
        #expect(!matches[0].map(\.playbook.id).contains("postgres-lock-file-exists"))
        #expect(matches[1].first?.playbook.id == "postgres-lock-file-exists")
    }

    @Test func aSegfaultNamesItsSignalOnly() throws {
        var history = InMemoryHistory(name: "native")
        history.inspect = ["Config": ["Image": "app:1"], "HostConfig": ["RestartPolicy": ["Name": "no"]]]
        history.start()
        history.advance(seconds: 2)
        history.die(139, log: ["loading model", "Segmentation fault (core dumped)"])
        let incident = try #require(history.incidents.first)
        let (matches, _) = history.diagnose(incident)
        let best = try #require(matches[0].first)
        #expect(best.playbook.id == "segfault")
        #expect(best.diagnosis.contains("SIGSEGV"))
        #expect(!best.fix.contains("SIGABRT") && !best.fix.contains("SIGKILL"))
    }
}

/// The template language's sections and the lint rule for commands.
@Suite struct TemplateTests {
    @Test func sectionsShowTextOnlyWithOrWithoutTheirValue() throws {
        let template = try Template("a{{#x}} x={{x}}{{/x}}{{^x}} no x{{/x}}{{#list}} [{{list}}]{{/list}}.")
        #expect(TemplateRenderer.render(template, values: ["x": .number(3), "list": .array([.string("p")])]) == "a x=3 [p].")
        #expect(TemplateRenderer.render(template, values: ["x": .string(""), "list": .array([])]) == "a no x.")
        #expect(TemplateRenderer.render(template, values: [:]) == "a no x.")
    }

    @Test func malformedSectionsAreErrors() {
        #expect(throws: Template.SyntaxError.self) { try Template("{{#a}}open") }
        #expect(throws: Template.SyntaxError.self) { try Template("{{#a}}x{{/b}}") }
        #expect(throws: Template.SyntaxError.self) { try Template("{{/a}}") }
    }

    @Test func aCommandWithAValueThatCanBeMissingIsWarnedAbout() throws {
        let yaml = """
            id: demo
            title: Demo
            severity: info
            match: {trigger: oom}
            evidence:
              port: {inspect: State.Error, capture: ":([0-9]+)"}
            diagnosis: ok
            fix: "Run `ss -ltnp 'sport = :{{port}}'` and `docker logs {{container}}`; {{#port}}`lsof -i :{{port}}`{{/port}}"
            """
        let (playbook, diagnostics) = PlaybookParser.parse(yaml: yaml, file: "demo.yaml")
        #expect(playbook != nil, "a warning does not keep a playbook from loading")
        #expect(diagnostics.map(\.description) == [
            "demo.yaml:8: warning: fix: a command uses {{port}}, which can be missing: put the command inside {{#port}}…{{/port}} and say in {{^port}}…{{/port}} how to find the value"
        ])
    }

    @Test func noBuiltInPlaybookPrintsACommandWithAMissingValueOrLacksAClassAndASource() {
        let library = PlaybookLibrary.builtIn
        #expect(library.diagnostics.isEmpty, "\(library.diagnostics)")
        for playbook in library.playbooks {
            #expect(playbook.failureClass != nil, "\(playbook.id) has no class")
            #expect(!playbook.sources.isEmpty, "\(playbook.id) names no public source")
        }
    }
}

/// The most informative line of a log tail.
@Suite struct ErrorLineTests {
    static func pick(_ lines: [String]) -> String? {
        ErrorLine.mostInformative(lines.map { LogLine(stream: .stderr, timeNanos: nil, text: $0) })?.text
    }

    @Test func picksTheLineAPersonWouldQuote() {
        #expect(Self.pick(["Traceback (most recent call last):", "  File \"/app/main.py\", line 1, in <module>", "    import flask", "ModuleNotFoundError: No module named 'flask'"]) == "ModuleNotFoundError: No module named 'flask'")
        #expect(Self.pick(["node:internal/modules/cjs/loader:1080", "Error: Cannot find module 'express'", "    at Module._resolveFilename (node:internal/modules/cjs/loader:1077:15)"]) == "Error: Cannot find module 'express'")
        #expect(Self.pick(["panic: runtime error: invalid memory address or nil pointer dereference", "goroutine 1 [running]:", "main.main()", "\t/src/main.go:12 +0x1d"]) == "panic: runtime error: invalid memory address or nil pointer dereference")
        #expect(Self.pick(["2024-01-01 FATAL:  password authentication failed for user \"app\"", "LOG:  database system is shut down"]) == "2024-01-01 FATAL:  password authentication failed for user \"app\"")
        #expect(Self.pick(["listening on :80", "all good"]) == "all good", "no error line: the last line")
        // postgres's entrypoint: the line that names the variable, not the generic first line (session env-var-name-typo).
        #expect(
            Self.pick([
                "Error: Database is uninitialized and superuser password is not specified.",
                "       You must specify POSTGRES_PASSWORD to a non-empty value for the",
                "       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\".",
            ]) == "       You must specify POSTGRES_PASSWORD to a non-empty value for the")
        #expect(Self.pick(["", "  "]) == nil)
    }
}

/// `incident show` says which log lines the recorder altered, so a reader knows a line is not as the app printed it.
@Suite struct RedactedLogLineReportTests {
    @Test func aLineWithARedactedValueSaysSo() throws {
        var history = InMemoryHistory(name: "api")
        history.inspect = ["Config": ["Image": "app:1"], "HostConfig": ["RestartPolicy": ["Name": "no"]]]
        history.start()
        history.advance(seconds: 1)
        let die = history.engine("die", exitCode: 1)
        history.logTail(trigger: die, ["connecting with DB_PASSWORD=\"<redacted:8-15>\"", "FATAL: password authentication failed for user \"app\""], redacted: [1, 0])
        let incident = try #require(history.incidents.first)
        let report = IncidentReport(
            incident: incident, matches: [], occurrenceMatches: [:], evidence: history.evidence(incident), policy: IncidentPolicy(), now: incident.lastNanos
        ).render()
        #expect(report.contains("stderr connecting with DB_PASSWORD=\"<redacted:8-15>\"   (1 value redacted)"), "\(report)")
        #expect(report.contains("stderr FATAL: password authentication failed for user \"app\"\n") || report.hasSuffix("for user \"app\""), "\(report)")
    }
}
