import Foundation

/// `--json` output: one JSON array, one element per line, keys sorted.
///
/// Strings keep their exact text; every control character in them is escaped (`\u001b`), the C1 controls and DEL
/// (U+007F–U+009F) too, which JSONEncoder leaves raw: the output is safe on a terminal as it is.
enum JSONOutput {
    /// Views (``BlackboxViews``), one per line.
    static func print(_ values: [some Encodable]) {
        let lines = values.map(line)
        Swift.print(lines.isEmpty ? "[]" : "[\n" + lines.joined(separator: ",\n") + "\n]")
    }

    /// One element, on one line.
    static func line(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Never drop an element silently: say that it could not be written.
        return (try? encoder.encode(value)).map { escapingC1(String(decoding: $0, as: UTF8.self)) }
            ?? "{\"error\":\"this element holds a value JSON cannot represent\"}"
    }

    /// JSON text with DEL and the C1 controls written as `\u007f` … `\u009f`: the same value. They can only occur
    /// inside strings, where the escape means the same character.
    static func escapingC1(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: { (0x7F..<0xA0).contains($0.value) }) else { return json }
        var result = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if (0x7F..<0xA0).contains(scalar.value) {
                result.append(contentsOf: "\\u00\(String(scalar.value, radix: 16))".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }
}
