import BlackboxStore
import DockerEngine
import Foundation
import Testing

/// Credential redaction of command lines, URLs and log lines, on payloads captured from a real engine.
@Suite struct RedactionTests {
    let redactor = CredentialRedactor()
    let marker = CredentialRedactor.placeholder

    @Test func redactsTheValueAfterACredentialFlagButNotAfterOtherFlags() {
        #expect(
            redactor.redact(arguments: ["mysqld", "--password", "hunter2", "-p", "3306", "--user=root", "--api-key=abc123", "-token", "t0k"])
                == ["mysqld", "--password", marker, "-p", "3306", "--user=root", "--api-key=\(marker)", "-token", marker])
        // A flag right after a credential flag is not its value.
        #expect(redactor.redact(arguments: ["--no-auth", "--verbose"]) == ["--no-auth", "--verbose"])
        #expect(redactor.redact(arguments: ["env", "DB_PASSWORD=s3cret", "PORT=80"]) == ["env", "DB_PASSWORD=\(marker)", "PORT=80"])
        #expect(
            redactor.redact(arguments: ["sh", "-c", "psql postgres://app:s3cret@db/app --set token=xyz"])
                == ["sh", "-c", "psql postgres://app:\(marker)@db/app --set token=\(marker)"])
    }

    @Test func patternsAreConfigurableAndCaseInsensitive() {
        let custom = CredentialRedactor(patterns: CredentialRedactor.defaultPatterns + ["otp"])
        #expect(custom.redact(arguments: ["login", "--OTP", "123456"]) == ["login", "--OTP", marker])
        #expect(redactor.redact(arguments: ["login", "--OTP", "123456"]) == ["login", "--OTP", "123456"])
        #expect(custom.redact(text: "Otp_Code=42 user=bob") == "Otp_Code=\(marker) user=bob")
    }

    @Test func redactsLogLinesWithAssignmentsFlagsHeadersAndURLs() {
        let cases: [(String, String)] = [
            ("connecting with DB_PASSWORD=hunter2 to db:5432", "connecting with DB_PASSWORD=\(marker) to db:5432"),
            ("password: hunter2", "password: \(marker)"),
            (#"{"level":"info","api_token":"abc.def","user":"bob"}"#, #"{"level":"info","api_token":"\#(marker)","user":"bob"}"#),
            ("started: server --password hunter2 --port 80", "started: server --password \(marker) --port 80"),
            ("Authorization: Bearer eyJhbGciOi.x.y", "Authorization: \(marker)"),
            ("GET https://bob:pa55@example.com/x 200", "GET https://bob:\(marker)@example.com/x 200"),
            ("listening on 0.0.0.0:8080 -p 80", "listening on 0.0.0.0:8080 -p 80"),
            ("no secrets here", "no secrets here"),
        ]
        for (line, expected) in cases {
            #expect(redactor.redact(text: line) == expected)
        }
        let lines = redactor.redact(lines: [LogLine(stream: .stderr, timeNanos: 7, text: "PASS=x")])
        #expect(lines == [LogLine(stream: .stderr, timeNanos: 7, text: "PASS=\(marker)")])
    }

    @Test func redactsTheCommandLinesOfARealInspectSnapshot() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Fixtures.data("inspect-fx-limited.json")) as? [String: Any])
        var config = try #require(object["Config"] as? [String: Any])
        config["Cmd"] = ["--requirepass", "r3dis", "--port", "6379"]
        config["Entrypoint"] = ["docker-entrypoint.sh", "--db-url=postgres://app:pg-secret@db/app"]
        config["Env"] = ["PATH=/bin", "DATABASE_URL=mysql://root:my-secret@db", "JAVA_OPTS=-Xmx1g -Dspring.datasource.password=sp-secret"]
        config["Labels"] = ["com.docker.compose.depends_on": "auth:service_started:false", "backup.target": "s3://key:s3-secret@bucket"]
        config["Healthcheck"] = ["Test": ["CMD-SHELL", "mysqladmin ping --password=hc-secret"]]
        object["Config"] = config
        object["Path"] = "docker-entrypoint.sh"
        object["Args"] = ["--requirepass", "r3dis", "--port", "6379"]
        let json = try JSONSerialization.data(withJSONObject: object)
        let redacted = try #require(redactor.redactInspect(json))
        let text = String(decoding: redacted, as: UTF8.self)
        for secret in ["r3dis", "pg-secret", "my-secret", "sp-secret", "s3-secret", "hc-secret", "fixture-secret"] {
            #expect(!text.contains(secret), "\(secret) is still in the snapshot")
        }
        let inspect = try ContainerInspect.decode(redacted)
        #expect(inspect.config.labels["com.docker.compose.depends_on"] == "auth:service_started:false")
        #expect(inspect.config.env.contains("PATH=/bin"))
        let stored = try #require(try JSONSerialization.jsonObject(with: redacted) as? [String: Any])
        #expect(stored["Args"] as? [String] == ["--requirepass", marker, "--port", "6379"])
    }

    @Test func redactsTheCommandOfARealExecEventAndKeepsItsJSONValid() throws {
        let line = try #require(try Fixtures.eventLines().first { String(decoding: $0, as: UTF8.self).contains(#""Action":"exec_start: "#) })
        let original = String(decoding: line, as: UTF8.self)
        let withSecret = original.replacingOccurrences(of: "/bin/sh -c exit 1", with: "mysql -h db --password hunter2 -e 'select 1'")
        let event = redactor.redact(try EngineEvent.decode(line: Array(withSecret.utf8)))
        #expect(event.action == "exec_start: mysql -h db --password \(marker) -e 'select 1'")
        #expect(!event.raw.contains("hunter2"))
        let reparsed = try EngineEvent.decode(line: Array(event.raw.utf8))
        #expect(reparsed.action == event.action)
        #expect(reparsed.attributes == event.attributes)
        #expect(reparsed.timeNano == event.timeNano)
        // Nothing to redact: the line stays byte for byte as the engine sent it.
        #expect(redactor.redact(try EngineEvent.decode(line: line)).raw == original)
    }

    @Test func redactsURLPasswordsInLabelsOfEngineEvents() throws {
        let line = #"{"Type":"container","Action":"start","Actor":{"ID":"c1","Attributes":{"name":"web","backup.target":"s3://key:s3-secret@bucket"}},"time":1,"timeNano":1000000000}"#
        let event = redactor.redact(try EngineEvent.decode(line: Array(line.utf8)))
        #expect(event.attributes["backup.target"] == "s3://key:\(marker)@bucket")
        #expect(!event.raw.contains("s3-secret"))
    }

    @Test func leavesTheCapturedSessionAloneButForItsPlantedSecret() throws {
        for line in try Fixtures.eventLines() {
            let event = try EngineEvent.decode(line: line)
            #expect(redactor.redact(event) == event, "changed \(event.action) of \(event.containerName ?? event.actorID)")
        }
        for name in FixtureSession.containers {
            let json = try Fixtures.data("inspect-\(name).json")
            let original = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
            let output = try #require(redactor.redactInspect(json))
            let redacted = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
            let env = { (object: [String: Any]) in (object["Config"] as? [String: Any])?["Env"] as? [String] ?? [] }
            if env(original).contains("API_TOKEN=fixture-secret") {
                #expect(env(redacted) == env(original).map { $0 == "API_TOKEN=fixture-secret" ? "API_TOKEN=\(marker)" : $0 })
                var config = try #require(redacted["Config"] as? [String: Any])
                config["Env"] = env(original)
                var rest = redacted
                rest["Config"] = config
                #expect(NSDictionary(dictionary: rest).isEqual(to: original), "changed more than the planted secret of \(name)")
            } else {
                #expect(json.last == UInt8(ascii: "\n"), "the engine ends \(name)'s snapshot with a newline")
                #expect(output == json.dropLast(), "nothing to redact: \(name)'s snapshot stays byte for byte as the engine sent it, but for its final newline")
            }
        }
    }
}
