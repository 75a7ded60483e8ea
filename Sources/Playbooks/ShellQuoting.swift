/// Quoting for values placed inside the commands of a rendered text (the parts between backticks, which a reader may
/// paste into a shell): each value is quoted as the shell reads it where it lands — outside quotes, inside `"…"` or
/// inside `'…'` — so that it stays one word of data whatever a container put in it.
///
/// The state follows the template's own text only, never the values, so a value holding a backtick or a quote cannot
/// shift where the commands of the text around it begin and end.
struct ShellQuoting {
    private enum State { case prose, plain, single, double }
    private var state = State.prose
    private var escaping = false

    /// Whether the text read so far ends in prose, outside any command.
    var inProse: Bool { state == .prose }

    /// Follows the template's text `text` (not a value), in order.
    mutating func read(_ text: String) {
        for character in text {
            if escaping {
                escaping = false
                continue
            }
            switch (state, character) {
            case (.prose, "`"): state = .plain
            case (.plain, "`"), (.double, "`"): state = .prose
            case (.plain, "'"): state = .single
            case (.plain, "\""): state = .double
            case (.single, "'"), (.double, "\""): state = .plain
            case (.plain, "\\"), (.double, "\\"): escaping = true
            default: break
            }
        }
    }

    /// `value` as it may stand at this point: unchanged in prose or when it holds only letters, digits and
    /// `_./:=@%+,-`; else quoted for the shell state the command is in.
    func quote(_ value: String) -> String {
        guard state != .prose, value.unicodeScalars.contains(where: { !Self.isPlain($0) }) else { return value }
        switch state {
        case .prose: return value
        case .plain: return "'" + value.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
        case .single: return value.replacingOccurrences(of: "'", with: #"'\''"#)
        case .double:
            var escaped = ""
            for character in value {
                if "\\$`\"".contains(character) { escaped.append("\\") }
                escaped.append(character)
            }
            return escaped
        }
    }

    private static func isPlain(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "/", ":", "=", "@", "%", "+", ",", "-": true
        default: false
        }
    }
}
