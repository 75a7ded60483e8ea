import Foundation

/// `--json` output: one JSON array, one element per line, keys sorted.
enum JSONOutput {
    static func print(_ objects: [[String: Any]]) {
        let lines = objects.map { object -> String in
            guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
                // Never drop an element silently: say that it could not be written.
                return "{\"error\":\"this element holds a value JSON cannot represent\"}"
            }
            return String(decoding: data, as: UTF8.self)
        }
        Swift.print(lines.isEmpty ? "[]" : "[\n" + lines.joined(separator: ",\n") + "\n]")
    }

    /// A stored JSON text as a value to embed (NSNull when it is not JSON).
    static func embedded(_ json: String) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) ?? NSNull()
    }
}
