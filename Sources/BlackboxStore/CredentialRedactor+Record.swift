import DockerEngine
import Foundation

extension CredentialRedactor {
    /// A row from elsewhere (a line of an export being imported) redacted by the rules the recorder applies when
    /// it writes that kind of row, so a file from another machine, an older blackbox or a hand-edited export stores
    /// no credential the recorder would not have stored:
    /// - `engine`: the event (``redact(_:)-(EngineEvent)``), its `action` column too;
    /// - `inspect`: the snapshot (``redactInspect(_:)``);
    /// - `log_tail`: each line (``redact(logLines:)``), the new counts added to those already stored;
    /// - `start_failure`: the engine's error text (prose);
    /// - any other kind, and a payload that does not decode as its kind: every string in the JSON (prose), and the
    ///   whole value of a credential-named member.
    ///
    /// A row with nothing to redact comes back unchanged, byte for byte; markers already in it stay as they are, so
    /// importing a redacted export stores it as it was.
    public func redact(_ record: EventRecord) -> EventRecord {
        var redacted = record
        redacted.action = record.action.map(redact(action:))
        switch record.kind {
        case .engine:
            if let event = try? EngineEvent.decode(line: Array(record.payload.utf8)) {
                redacted.payload = redact(event).raw
            } else {
                redacted.payload = redact(json: record.payload)
            }
        case .inspect:
            if let snapshot = redactInspect(Data(record.payload.utf8)) {
                let text = String(decoding: snapshot, as: UTF8.self)
                // redactInspect drops trailing white space of an unchanged snapshot; keep the row as it came.
                if text != record.payload.trimmingCharacters(in: .whitespacesAndNewlines) { redacted.payload = text }
            } else {
                redacted.payload = redact(json: record.payload)
            }
        case .logTail:
            redacted.payload = redact(logTailPayload: record.payload) ?? redact(json: record.payload)
        case .startFailure:
            if var failure = try? JSONDecoder().decode(EventRecord.StartFailure.self, from: Data(record.payload.utf8)) {
                let (error, count) = redact(failure.error, in: .prose)
                if count > 0 {
                    failure.error = error
                    redacted.payload = EventRecord.json(failure)
                }
            } else {
                redacted.payload = redact(json: record.payload)
            }
        default:
            redacted.payload = redact(json: record.payload)
        }
        return redacted
    }

    /// A `log_tail` payload with its lines redacted and its counts updated; nil when it does not decode.
    private func redact(logTailPayload payload: String) -> String? {
        guard var tail = try? JSONDecoder().decode(EventRecord.LogTail.self, from: Data(payload.utf8)) else { return nil }
        let (lines, counts) = redact(logLines: tail.lines)
        guard counts.contains(where: { $0 > 0 }) else { return payload }
        tail.lines = lines
        tail.redacted = counts.indices.map { counts[$0] + tail.redactedValues(line: $0) }
        return EventRecord.json(tail)
    }

    /// A JSON text with every string redacted as prose and every credential-named member's string value replaced
    /// whole; unchanged (byte for byte) when nothing was, or when it is not JSON.
    func redact(json text: String) -> String {
        guard Self.mayHoldCredentialJSON(text), let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        else { return text }
        var changed = false
        func walk(_ value: Any, name: String?) -> Any {
            switch value {
            case let string as String:
                let replaced: String
                if let name, isCredential(name: name) {
                    replaced = redactedValue(string) ?? string
                } else {
                    replaced = redact(string, in: .prose).text
                }
                if replaced != string { changed = true }
                return replaced
            case let array as [Any]:
                return array.map { walk($0, name: name) }
            case let dictionary as [String: Any]:
                return dictionary.reduce(into: [String: Any]()) { result, entry in result[entry.key] = walk(entry.value, name: entry.key) }
            default:
                return value
            }
        }
        let redacted = walk(object, name: nil)
        guard changed,
            let data = try? JSONSerialization.data(withJSONObject: redacted, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        else { return text }
        return String(decoding: data, as: UTF8.self)
    }

    private static func mayHoldCredentialJSON(_ text: String) -> Bool {
        text.utf8.contains { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: ":") }
    }
}
