import DockerEngine
import Foundation

/// Replaces the values of credential-looking names before anything is written to the store.
///
/// A name looks like a credential when it contains one of ``patterns``, compared case-insensitively
/// (`DB_PASSWORD`, `api_token`, `com.example.secret-key`). Covered: `Config.Env` (`NAME=value`) and
/// `Config.Labels` of inspect snapshots, and the label attributes of engine events.
public struct CredentialRedactor: Sendable {
    /// The default name fragments.
    public static let defaultPatterns = ["KEY", "TOKEN", "SECRET", "PASS", "CREDENTIAL", "AUTH", "PRIVATE"]
    /// What a redacted value becomes.
    public static let placeholder = "<redacted>"

    public let patterns: [String]

    public init(patterns: [String] = CredentialRedactor.defaultPatterns) {
        self.patterns = patterns.map { $0.uppercased() }.filter { !$0.isEmpty }
    }

    /// Whether `name` looks like it holds a credential.
    public func isCredential(name: String) -> Bool {
        let upper = name.uppercased()
        return patterns.contains { upper.contains($0) }
    }

    /// The inspect JSON with credential values in `Config.Env` and `Config.Labels` replaced;
    /// nil when `json` is not a JSON object (the caller must then not store it).
    public func redactInspect(_ json: Data) -> Data? {
        guard var object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else { return nil }
        if var config = object["Config"] as? [String: Any] {
            if let env = config["Env"] as? [String] { config["Env"] = env.map(redactAssignment) }
            if let labels = config["Labels"] as? [String: String] { config["Labels"] = redactMap(labels) }
            object["Config"] = config
        }
        return try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// The event with credential-named attributes redacted, in both its parsed attributes and its raw JSON.
    /// Events without such attributes come back unchanged, byte for byte.
    public func redact(_ event: EngineEvent) -> EngineEvent {
        guard event.attributes.keys.contains(where: isCredential(name:)) else { return event }
        var raw = event.raw
        if var object = (try? JSONSerialization.jsonObject(with: Data(event.raw.utf8))) as? [String: Any],
            var actor = object["Actor"] as? [String: Any], let attributes = actor["Attributes"] as? [String: String]
        {
            actor["Attributes"] = redactMap(attributes)
            object["Actor"] = actor
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) {
                raw = String(decoding: data, as: UTF8.self)
            }
        }
        return EngineEvent(
            type: event.type, action: event.action, actorID: event.actorID, attributes: redactMap(event.attributes),
            scope: event.scope, timeNano: event.timeNano, raw: raw)
    }

    /// `NAME=value` with the value replaced when NAME looks like a credential.
    public func redactAssignment(_ assignment: String) -> String {
        guard let equals = assignment.firstIndex(of: "=") else { return assignment }
        let name = String(assignment[..<equals])
        return isCredential(name: name) ? "\(name)=\(Self.placeholder)" : assignment
    }

    private func redactMap(_ map: [String: String]) -> [String: String] {
        map.reduce(into: [:]) { result, entry in
            result[entry.key] = isCredential(name: entry.key) ? Self.placeholder : entry.value
        }
    }
}
