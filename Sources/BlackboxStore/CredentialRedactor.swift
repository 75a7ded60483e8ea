import DockerEngine
import Foundation

/// Replaces credentials with ``RedactedValue`` markers before anything is written to the store.
///
/// What is a credential (the model, documented in the README's "Secrets"):
/// - the value under a credential *name* (``isCredential(name:)``: a word of the name contains one of ``patterns``,
///   compared case-insensitively: `DB_PASSWORD`, `api_token`, `com.example.secret-key`, `PGPASSWORD`);
/// - in text, `NAME=value`, `"NAME": "value"`, `NAME: value`, `--NAME value` for such names, HTTP authorization
///   headers, URL passwords and tokens of well-known formats (``redact(_:in:)``).
///
/// Covered:
/// - inspect snapshots: `Config.Env` (`NAME=value`), `Config.Labels`, and the command lines `Config.Cmd`,
///   `Config.Entrypoint`, `Config.Healthcheck.Test`, `Path` and `Args` (``redact(arguments:)``);
/// - engine events: credential-named attributes (labels), and the command of `exec_create: …` / `exec_start: …` actions;
/// - log tails (``redact(logLines:)``), start failures and every row of an imported export (``redact(_:)-(EventRecord)``);
/// - everywhere, the password of a URL (`postgres://user:PASSWORD@db`), whatever the name it is under.
///
/// A redacted value keeps its shape (quotes, white space, a length class, whether it is a placeholder: ``RedactedValue``);
/// redacting what is already redacted changes nothing.
public struct CredentialRedactor: Sendable {
    /// The default name fragments.
    public static let defaultPatterns = ["KEY", "TOKEN", "SECRET", "PASS", "PWD", "CREDENTIAL", "AUTH", "PRIVATE"]

    public let patterns: [String]

    public init(patterns: [String] = CredentialRedactor.defaultPatterns) {
        self.patterns = patterns.map { $0.uppercased() }.filter { !$0.isEmpty }
    }

    /// The redactor `record` and `import` use: the default fragments, `extra` (`--redact-pattern`), and the
    /// comma-separated fragments of `BLACKBOX_REDACT` in `environment`.
    public static func configured(adding extra: [String] = [], environment: [String: String] = ProcessInfo.processInfo.environment) -> CredentialRedactor {
        let fromEnvironment = (environment["BLACKBOX_REDACT"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return CredentialRedactor(patterns: defaultPatterns + extra + fromEnvironment)
    }

    /// The inspect JSON (`GET /containers/{id}/json`) with credentials replaced in `Config.Env`, `Config.Labels`,
    /// `Config.Cmd`, `Config.Entrypoint`, `Config.Healthcheck.Test`, `Path` and `Args`; nil when `json` is not a JSON
    /// object (the caller must then not store it). A snapshot with nothing to redact comes back as the engine sent it,
    /// byte for byte but for the newline the engine ends its responses with (so that it equals what an export of it
    /// imports); one with something redacted is written again with its keys sorted.
    public func redactInspect(_ json: Data) -> Data? {
        guard var object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else { return nil }
        var changed = false
        func replace<Value: Equatable>(_ value: Value, with redacted: Value, in store: (Value) -> Void) {
            guard redacted != value else { return }
            store(redacted)
            changed = true
        }
        if var config = object["Config"] as? [String: Any] {
            if let env = config["Env"] as? [String] { replace(env, with: env.map(redactAssignment)) { config["Env"] = $0 } }
            if let labels = config["Labels"] as? [String: String] { replace(labels, with: redactMap(labels)) { config["Labels"] = $0 } }
            for key in ["Cmd", "Entrypoint"] {
                if let command = config[key] as? [String] { replace(command, with: redact(arguments: command)) { config[key] = $0 } }
                if let command = config[key] as? String { replace(command, with: redact(text: command)) { config[key] = $0 } }
            }
            if var healthcheck = config["Healthcheck"] as? [String: Any] {
                if let test = healthcheck["Test"] as? [String] { replace(test, with: redact(arguments: test)) { healthcheck["Test"] = $0 } }
                if let test = healthcheck["Test"] as? String { replace(test, with: redact(text: test)) { healthcheck["Test"] = $0 } }
                config["Healthcheck"] = healthcheck
            }
            object["Config"] = config
        }
        if let path = object["Path"] as? String { replace(path, with: redact(text: path)) { object["Path"] = $0 } }
        if let args = object["Args"] as? [String] { replace(args, with: redact(arguments: args)) { object["Args"] = $0 } }
        guard changed else { return json.prefix(through: json.lastIndex { !Self.isJSONWhitespace($0) } ?? json.startIndex) }
        return try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// The event with credentials redacted — credential-named attributes (labels), URL passwords in attribute values, and the
    /// command of an `exec_create: …` / `exec_start: …` action — in both its parsed fields and its raw JSON
    /// (`Actor.Attributes`, `Action`, `status`), which stays valid JSON. Events with nothing to redact come back
    /// unchanged, byte for byte.
    public func redact(_ event: EngineEvent) -> EngineEvent {
        let attributes = redactMap(event.attributes)
        let action = redact(action: event.action)
        guard attributes != event.attributes || action != event.action else { return event }
        var raw = event.raw
        if var object = (try? JSONSerialization.jsonObject(with: Data(event.raw.utf8))) as? [String: Any] {
            if var actor = object["Actor"] as? [String: Any], actor["Attributes"] is [String: String] {
                actor["Attributes"] = attributes
                object["Actor"] = actor
            }
            for key in ["Action", "status"] where object[key] is String { object[key] = action }
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) {
                raw = String(decoding: data, as: UTF8.self)
            }
        }
        return EngineEvent(
            type: event.type, action: action, actorID: event.actorID, attributes: attributes, scope: event.scope, timeNano: event.timeNano,
            raw: raw)
    }

    /// `NAME=value` with the whole value replaced by its marker when NAME is a credential (`DB_PASSWORD="hunter2"` →
    /// `DB_PASSWORD="<redacted:1-7>"`: the quotes the application receives are kept), else with ``redact(text:)``
    /// applied to the value (`JAVA_OPTS=-Ddb.password=…`, a URL's password, a token of a well-known format).
    public func redactAssignment(_ assignment: String) -> String {
        guard let equals = assignment.firstIndex(of: "=") else { return assignment }
        let name = String(assignment[..<equals])
        let value = String(assignment[assignment.index(after: equals)...])
        return "\(name)=\(isCredential(name: name) ? redactedValue(value) ?? value : redact(text: value))"
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }

    private func redactMap(_ map: [String: String]) -> [String: String] {
        map.reduce(into: [:]) { result, entry in
            result[entry.key] = isCredential(name: entry.key) ? redactedValue(entry.value) ?? entry.value : redact(urlsIn: entry.value)
        }
    }
}
