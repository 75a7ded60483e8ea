import DockerEngine
import Foundation

/// The export format, version 1 (documented in docs/export-format.md): JSON lines, the first one a header
/// `{"blackbox_export":1,"exported_at_ns":N,"filter":{…}}`, then one `{"event":{…}}` or `{"sample":{…}}` per row.
/// Keys with null values are left out; an event's `payload` is its JSON embedded as it is stored.
public enum ExportFormat {
    /// The format version written in the header, and the only one import reads.
    public static let version = 1

    /// What an export was limited to, as its header's `filter` says it; nil fields were not limited.
    public struct Filter: Encodable, Sendable, Equatable {
        /// The window's bounds, Unix nanoseconds, inclusive.
        public var sinceNanos: Int64?
        public var untilNanos: Int64?
        /// The names and id prefixes given with `--container`, as given.
        public var containers: [String]?
        /// The compose project given with `--project`.
        public var project: String?

        public init(sinceNanos: Int64? = nil, untilNanos: Int64? = nil, containers: [String]? = nil, project: String? = nil) {
            self.sinceNanos = sinceNanos
            self.untilNanos = untilNanos
            self.containers = containers
            self.project = project
        }

        enum CodingKeys: String, CodingKey {
            case containers, project
            case sinceNanos = "since_ns"
            case untilNanos = "until_ns"
        }
    }

    /// The header line.
    public static func header(exportedAtNanos: Int64, filter: Filter = Filter()) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(filter)) ?? Data("{}".utf8)
        return "{\"blackbox_export\":\(version),\"exported_at_ns\":\(exportedAtNanos),\"filter\":\(String(decoding: data, as: UTF8.self))}"
    }

    /// An `{"event":{…}}` line (no `seq`: it is the importing store's to give).
    public static func line(_ event: EventRecord) -> String {
        var line = JSONLine()
        line.append("ts_ns", event.timeNanos)
        line.append("kind", event.kind.rawValue)
        line.append("type", event.type)
        line.append("action", event.action)
        line.append("actor_id", event.actorID)
        line.append("container_id", event.containerID)
        line.append("container_name", event.containerName)
        line.append("image", event.image)
        line.append("compose_project", event.composeProject)
        line.append("compose_service", event.composeService)
        line.append("exit_code", event.exitCode.map(Int64.init))
        line.append("signal", event.signal)
        line.append("dedup_key", event.deduplicationKey)
        // Stored payloads are valid JSON, where a line break can only be white space: one line per row.
        let payload =
            event.payload.utf8.contains { $0 == 0x0A || $0 == 0x0D }
            ? String(decoding: event.payload.utf8.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }, as: UTF8.self) : event.payload
        line.appendRaw("payload", payload)
        return "{\"event\":\(line.finish())}"
    }

    /// A `{"sample":{…}}` line.
    public static func line(_ sample: ResourceSample) -> String {
        var line = JSONLine()
        line.append("container_id", sample.containerID)
        line.append("ts_ns", sample.timeNanos)
        line.append("cpu_pct", sample.cpuPercent)
        line.append("cpu_pct_of_limit", sample.cpuPercentOfLimit)
        line.append("cpu_throttled_periods", sample.cpuThrottledPeriods)
        line.append("mem_usage_bytes", sample.memoryUsageBytes)
        line.append("mem_working_set_bytes", sample.memoryWorkingSetBytes)
        line.append("mem_limit_bytes", sample.memoryLimitBytes)
        line.append("pids", sample.pids)
        line.append("net_rx_bytes", sample.networkRxBytes)
        line.append("net_tx_bytes", sample.networkTxBytes)
        line.append("blk_read_bytes", sample.blockReadBytes)
        line.append("blk_write_bytes", sample.blockWriteBytes)
        line.append("oom_kills", sample.oomKills)
        line.append("ooms", sample.ooms)
        line.append("mem_limit_hits", sample.memoryLimitHits)
        return "{\"sample\":\(line.finish())}"
    }
}

/// Builds one JSON object member by member, leaving out nil values.
struct JSONLine {
    private var text = "{"
    private var empty = true

    mutating func append(_ key: String, _ value: String?) {
        guard let value else { return }
        member(key)
        Self.quote(value, into: &text)
    }

    mutating func append(_ key: String, _ value: Int64?) {
        guard let value else { return }
        member(key)
        text += String(value)
    }

    mutating func append(_ key: String, _ value: Double?) {
        guard let value, value.isFinite else { return }
        member(key)
        text += String(value)
    }

    /// A value that is already JSON text.
    mutating func appendRaw(_ key: String, _ json: String) {
        member(key)
        text += json
    }

    consuming func finish() -> String {
        text + "}"
    }

    private mutating func member(_ key: String) {
        if !empty { text += "," }
        empty = false
        text += "\"\(key)\":"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func quote(_ value: String, into text: inout String) {
        text += "\""
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            text += value
            text += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case let control where control.value < 0x20: text += String(format: "\\u%04x", control.value)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
