import BlackboxCore
import DockerEngine

/// Sizes and durations as compose writes them.
enum ComposeUnits {
    /// `512m`, `1g`, `1.5GB`, `1024k`, `2048b` or a plain number of bytes; units are binary (k = 1024). nil when malformed.
    static func bytes(_ text: String) -> Int64? {
        let lower = text.trimmingCharacters(in: .whitespaces).lowercased()
        let number = lower.prefix { $0.isNumber || $0 == "." }
        guard let value = Double(number) else { return nil }
        let scales: [String: Double] = ["": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1_048_576, "mb": 1_048_576, "g": 1_073_741_824, "gb": 1_073_741_824]
        guard let scale = scales[String(lower.dropFirst(number.count))] else { return nil }
        return Int64(value * scale)
    }

    /// `10s`, `1m30s`, `500ms`; nil when malformed.
    static func nanos(_ text: String) -> Int64? {
        Timestamp.durationNanos(text.trimmingCharacters(in: .whitespaces))
    }

    /// A byte count as compose would write it back: whole MiB, rounded up (`232m`).
    static func composeSize(_ bytes: Int64) -> String {
        "\(Units.mebibytesRoundedUp(bytes))m"
    }

    /// Splits a command string into words as compose does (POSIX shell quoting, no expansion).
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if let open = quote {
                if character == open {
                    quote = nil
                } else if character == "\\" && open == "\"" {
                    escaped = true
                } else {
                    current.append(character)
                }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == "\\" {
                escaped = true
                inWord = true
            } else if character.isWhitespace {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
