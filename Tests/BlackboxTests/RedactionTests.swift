import BlackboxStore
import DockerEngine
import Foundation
import Testing

/// Credential redaction of command lines, URLs and log lines, on payloads captured from a real engine.
@Suite struct RedactionTests {
    let redactor = CredentialRedactor()

    @Test func redactsTheValueAfterACredentialFlagButNotAfterOtherFlags() {
        #expect(
            redactor.redact(arguments: ["mysqld", "--password", "hunter2", "-p", "3306", "--user=root", "--api-key=abc123", "-token", "t0k"])
                == ["mysqld", "--password", "<redacted:1-7>", "-p", "3306", "--user=root", "--api-key=<redacted:1-7>", "-token", "<redacted:1-7>"])
        // A flag right after a credential flag is not its value.
        #expect(redactor.redact(arguments: ["--no-auth", "--verbose"]) == ["--no-auth", "--verbose"])
        #expect(redactor.redact(arguments: ["env", "DB_PASSWORD=s3cret", "PORT=80"]) == ["env", "DB_PASSWORD=<redacted:1-7>", "PORT=80"])
        #expect(
            redactor.redact(arguments: ["sh", "-c", "psql postgres://app:s3cret@db/app --set token=xyz"])
                == ["sh", "-c", "psql postgres://app:<redacted:1-7>@db/app --set token=<redacted:1-7>"])
    }

    @Test func patternsAreConfigurableAndCaseInsensitive() {
        let custom = CredentialRedactor(patterns: CredentialRedactor.defaultPatterns + ["otp"])
        #expect(custom.redact(arguments: ["login", "--OTP", "123456"]) == ["login", "--OTP", "<redacted:1-7>"])
        #expect(redactor.redact(arguments: ["login", "--OTP", "123456"]) == ["login", "--OTP", "123456"])
        #expect(custom.redact(text: "Otp_Code=42 user=bob") == "Otp_Code=<redacted:1-7> user=bob")
        let configured = CredentialRedactor.configured(adding: ["pin"], environment: ["BLACKBOX_REDACT": "otp, sessionid"])
        #expect(configured.patterns == CredentialRedactor.defaultPatterns + ["PIN", "OTP", "SESSIONID"])
        #expect(configured.redact(text: "SESSIONID=abc PIN=1234") == "SESSIONID=<redacted:1-7> PIN=<redacted:1-7>")
    }

    @Test func redactsLogLinesWithAssignmentsFlagsHeadersAndURLs() {
        let cases: [(String, String)] = [
            ("connecting with DB_PASSWORD=hunter2 to db:5432", "connecting with DB_PASSWORD=<redacted:1-7> to db:5432"),
            ("password: hunter2", "password: <redacted:1-7>"),
            (#"{"level":"info","api_token":"abc.def","user":"bob"}"#, #"{"level":"info","api_token":"<redacted:1-7>","user":"bob"}"#),
            ("started: server --password hunter2 --port 80", "started: server --password <redacted:1-7> --port 80"),
            ("Authorization: Bearer eyJhbGciOi.x.y", "Authorization: Bearer <redacted:8-15>"),
            ("GET https://bob:pa55@example.com/x 200", "GET https://bob:<redacted:1-7>@example.com/x 200"),
            ("listening on 0.0.0.0:8080 -p 80", "listening on 0.0.0.0:8080 -p 80"),
            ("no secrets here", "no secrets here"),
        ]
        for (line, expected) in cases {
            #expect(redactor.redact(line, in: .prose).text == expected)
        }
        let (lines, counts) = redactor.redact(logLines: [LogLine(stream: .stderr, timeNanos: 7, text: "PASS=x"), LogLine(stream: .stdout, timeNanos: 8, text: "ok")])
        #expect(lines == [LogLine(stream: .stderr, timeNanos: 7, text: "PASS=<redacted:1-7>"), LogLine(stream: .stdout, timeNanos: 8, text: "ok")])
        #expect(counts == [1, 0])
        #expect(redactor.redact("a=1 password=x token=y", in: .prose).redacted == 2)
    }

    @Test func placeholdersAreMarkedInCommandsAndKeptInProse() {
        #expect(redactor.redact(arguments: ["app", "--password", "changeme"]) == ["app", "--password", "<redacted:8-15,placeholder>"])
        #expect(redactor.redactAssignment("API_KEY=your-api-key") == "API_KEY=<redacted:8-15,placeholder>")
        #expect(redactor.redactAssignment("DB_PASSWORD=${DB_PASSWORD}") == "DB_PASSWORD=<redacted:8-15,placeholder>")
        #expect(redactor.redact(#"For example, "-e POSTGRES_PASSWORD=password" on "docker run"."#, in: .prose).redacted == 0)
    }

    @Test func theDocumentedLimitsHoldAsTheREADMESays() {
        // Over-redaction: a method word under a credential name cannot be told from a secret.
        #expect(redactor.redactAssignment("REGISTRY_AUTH=htpasswd") == "REGISTRY_AUTH=<redacted:8-15>")
        // Kept: short flags glued or positional, and names that do not look like credentials.
        #expect(redactor.redact(text: "mysql -phunter2") == "mysql -phunter2")
        #expect(redactor.redactAssignment("MYSQL=hunter2") == "MYSQL=hunter2")
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
        #expect(stored["Args"] as? [String] == ["--requirepass", "<redacted:1-7>", "--port", "6379"])
        let env = (stored["Config"] as? [String: Any])?["Env"] as? [String]
        #expect(env?.contains("DATABASE_URL=mysql://root:<redacted:8-15>@db") == true)
    }

    @Test func redactsTheCommandOfARealExecEventAndKeepsItsJSONValid() throws {
        let line = try #require(try Fixtures.eventLines().first { String(decoding: $0, as: UTF8.self).contains(#""Action":"exec_start: "#) })
        let original = String(decoding: line, as: UTF8.self)
        let withSecret = original.replacingOccurrences(of: "/bin/sh -c exit 1", with: "mysql -h db --password hunter2 -e 'select 1'")
        let event = redactor.redact(try EngineEvent.decode(line: Array(withSecret.utf8)))
        #expect(event.action == "exec_start: mysql -h db --password <redacted:1-7> -e 'select 1'")
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
        #expect(event.attributes["backup.target"] == "s3://key:<redacted:8-15>@bucket")
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
                #expect(env(redacted) == env(original).map { $0 == "API_TOKEN=fixture-secret" ? "API_TOKEN=<redacted:8-15>" : $0 })
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
