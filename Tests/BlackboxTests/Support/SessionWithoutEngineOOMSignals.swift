import Foundation

/// A recorded session as an engine that announces no OOM kill would have left it: an export (`blackbox export` lines)
/// without its `oom` engine events, every inspect's `State.OOMKilled` set to false (and its deduplication key dropped,
/// so the import keeps the changed row).
struct SessionWithoutEngineOOMSignals {
    /// The export lines, changed.
    var lines: [String] = []
    /// How many `oom` events were taken out.
    var removedOOMEvents = 0
    /// How many inspects said `OOMKilled: true` before.
    var clearedOOMKilled = 0

    init(export: String) throws {
        for line in export.split(separator: "\n") {
            guard var object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            if var event = object["event"] as? [String: Any] {
                if event["kind"] as? String == "engine", event["action"] as? String == "oom" {
                    removedOOMEvents += 1
                    continue
                }
                if event["kind"] as? String == "inspect", var payload = event["payload"] as? [String: Any], var state = payload["State"] as? [String: Any] {
                    if state["OOMKilled"] as? Bool == true { clearedOOMKilled += 1 }
                    state["OOMKilled"] = false
                    payload["State"] = state
                    event["payload"] = payload
                    event["dedup_key"] = nil
                }
                object["event"] = event
            }
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        }
    }
}
