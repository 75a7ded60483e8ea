import DockerEngine
import Foundation

/// One line of a file given to `blackbox import`, decoded: a line of the export format (``ExportFormat``), or a
/// line of `docker events --format '{{json .}}'` (the engine's event message, legacy `status`/`id`/`from` included).
public enum ImportLine: Sendable, Equatable {
    /// The export header, with its format version.
    case header(version: Int)
    case event(EventRecord)
    case sample(ResourceSample)

    /// Why a line was rejected, in a sentence.
    public struct Rejected: Error, Sendable, Equatable {
        public var reason: String
    }

    /// Decodes one line (without its line break).
    ///
    /// An event without `dedup_key` gets a stable one, so importing a file twice stores it once: an engine event the
    /// same key the recorder gives it (time, type, action, actor), any other `import|kind|container|ts_ns|hash of payload`,
    /// the hash taken over the redacted payload's canonical form (``canonicalJSON(_:)``: keys sorted, no white space), so
    /// the same payload written with other spacing or key order gets the same key.
    /// A `docker events` line becomes the same `engine` row the recorder writes, its credential-named attributes redacted;
    /// an export line's row is redacted by the same rules (credentials are redacted whatever the source).
    ///
    /// - Throws: ``Rejected`` naming what is wrong: not JSON, an unknown line, a missing or mistyped field, an unknown kind,
    ///   a time outside ``Timestamp/acceptedNanos`` (at or before 1970, from 2100 on).
    public static func decode(_ bytes: ArraySlice<UInt8>, redactor: CredentialRedactor) throws(Rejected) -> ImportLine {
        let members: JSONMembers
        do {
            members = try JSONMembers(bytes)
        } catch {
            throw Rejected(reason: "not JSON: \(error.reason)")
        }
        if case .composite(let object)? = members["event"] {
            let record = try event(try inner(object, "event"), redactor: redactor)
            if let reason = Timestamp.rejection(unixNanos: record.timeNanos) { throw Rejected(reason: "event \(reason)") }
            return .event(record)
        }
        if case .composite(let object)? = members["sample"] {
            let record = try sample(try inner(object, "sample"))
            if let reason = Timestamp.rejection(unixNanos: record.timeNanos) { throw Rejected(reason: "sample \(reason)") }
            return .sample(record)
        }
        if let version = members["blackbox_export"] {
            guard let number = version.int64 else { throw Rejected(reason: "blackbox_export must be a version number") }
            return .header(version: Int(number))
        }
        if members["Type"] != nil || members["Action"] != nil || members["status"] != nil {
            do {
                return .event(.engine(redactor.redact(try EngineEvent.decode(line: Array(bytes)))))
            } catch {
                throw Rejected(reason: "not a docker event: \(error)")
            }
        }
        throw Rejected(reason: "neither a blackbox export line ({\"event\":…}, {\"sample\":…}) nor a docker event (docker events --format '{{json .}}')")
    }

    private static func inner(_ bytes: ArraySlice<UInt8>, _ name: String) throws(Rejected) -> JSONMembers {
        do {
            return try JSONMembers(bytes)
        } catch {
            throw Rejected(reason: "\(name) is not a JSON object: \(error.reason)")
        }
    }

    /// The row of an `{"event":{…}}` line, redacted as the recorder redacts that kind (``CredentialRedactor/redact(_:)-(EventRecord)``)
    /// before its key is derived, so that no key hashes a secret.
    private static func event(_ members: JSONMembers, redactor: CredentialRedactor) throws(Rejected) -> EventRecord {
        let fields = Fields(members: members, name: "event")
        let kindName = try fields.requiredString("kind")
        guard let kind = EventKind(rawValue: kindName) else { throw Rejected(reason: "event has an unknown kind '\(kindName)'") }
        guard case .composite(let payloadBytes)? = members["payload"], payloadBytes.first == UInt8(ascii: "{") else {
            throw Rejected(reason: "event has no payload object")
        }
        var record = EventRecord(
            timeNanos: try fields.requiredInteger("ts_ns"), kind: kind, type: try fields.string("type"), action: try fields.string("action"),
            actorID: try fields.string("actor_id"), containerID: try fields.string("container_id"),
            containerName: try fields.string("container_name"), image: try fields.string("image"),
            composeProject: try fields.string("compose_project"), composeService: try fields.string("compose_service"),
            exitCode: try fields.integer("exit_code").map { Int($0) }, signal: try fields.string("signal"),
            deduplicationKey: try fields.string("dedup_key"), payload: String(decoding: payloadBytes, as: UTF8.self))
        record = redactor.redact(record)
        if record.deduplicationKey == nil {
            if kind == .engine, let type = record.type, let action = record.action {
                record.deduplicationKey = "engine|\(record.timeNanos)|\(type)|\(action)|\(record.actorID ?? "")"
            } else {
                let redacted = Array(record.payload.utf8)
                record.deduplicationKey = "import|\(kind.rawValue)|\(record.containerID ?? "")|\(record.timeNanos)|\(fnv1a(canonicalJSON(redacted[...]) ?? redacted))"
            }
        }
        return record
    }

    private static func sample(_ members: JSONMembers) throws(Rejected) -> ResourceSample {
        let fields = Fields(members: members, name: "sample")
        return ResourceSample(
            containerID: try fields.requiredString("container_id"), timeNanos: try fields.requiredInteger("ts_ns"),
            cpuPercent: try fields.number("cpu_pct"), cpuPercentOfLimit: try fields.number("cpu_pct_of_limit"),
            cpuThrottledPeriods: try fields.requiredInteger("cpu_throttled_periods"),
            memoryUsageBytes: try fields.requiredInteger("mem_usage_bytes"), memoryWorkingSetBytes: try fields.requiredInteger("mem_working_set_bytes"),
            memoryLimitBytes: try fields.requiredInteger("mem_limit_bytes"), pids: try fields.requiredInteger("pids"),
            networkRxBytes: try fields.requiredInteger("net_rx_bytes"), networkTxBytes: try fields.requiredInteger("net_tx_bytes"),
            blockReadBytes: try fields.requiredInteger("blk_read_bytes"), blockWriteBytes: try fields.requiredInteger("blk_write_bytes"),
            oomKills: try fields.integer("oom_kills"), ooms: try fields.integer("ooms"), memoryLimitHits: try fields.integer("mem_limit_hits"))
    }

    /// A JSON text in one canonical form (object keys sorted, no white space, numbers and strings as Foundation
    /// writes them), nil when it is not JSON: two texts of the same value give the same bytes.
    static func canonicalJSON(_ bytes: some Collection<UInt8>) -> [UInt8]? {
        guard let value = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        else { return nil }
        return Array(data)
    }

    /// 64-bit FNV-1a: a stable hash of a payload, the same on every machine and run.
    static func fnv1a(_ bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Typed access to an object's members, with errors that name the field.
    private struct Fields {
        let members: JSONMembers
        let name: String

        func string(_ key: String) throws(Rejected) -> String? {
            switch members[key] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            default: throw Rejected(reason: "\(name) field \(key) must be a string")
            }
        }

        func requiredString(_ key: String) throws(Rejected) -> String {
            guard let text = try string(key) else { throw Rejected(reason: "\(name) has no \(key)") }
            return text
        }

        func integer(_ key: String) throws(Rejected) -> Int64? {
            switch members[key] {
            case nil, .null?: return nil
            case let value?:
                guard let number = value.int64 else { throw Rejected(reason: "\(name) field \(key) must be an integer") }
                return number
            }
        }

        func requiredInteger(_ key: String) throws(Rejected) -> Int64 {
            guard let number = try integer(key) else { throw Rejected(reason: "\(name) has no \(key)") }
            return number
        }

        func number(_ key: String) throws(Rejected) -> Double? {
            switch members[key] {
            case nil, .null?: return nil
            case let value?:
                guard let number = value.double else { throw Rejected(reason: "\(name) field \(key) must be a number") }
                return number
            }
        }
    }
}
