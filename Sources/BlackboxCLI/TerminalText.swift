import ArgumentParser
import Foundation

/// Text for a terminal, from what containers control (names, labels, log lines, error texts): every character that a
/// terminal would act on instead of showing is written visibly, so a log line cannot clear the screen, move the cursor,
/// set the window title, hide text or reorder it.
///
/// - C0 controls (U+0000–U+001F but tab and line feed), DEL and C1 controls (U+0080–U+009F) become `\x1b`, `\r`,
///   `\x7f`, `\u{9b}`: ESC `[2J` prints as `\x1b[2J`, a carriage return as `\r`.
/// - Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) become `\u{202e}` …, so text reads in the
///   order it is stored.
/// - A backslash stays a backslash (the output is for reading, not for decoding), tab and line feed stay: they are
///   the output's own layout (tables, one event per line). Everything else, any script or emoji, is unchanged.
///
/// Every command prints through ``TerminalText/print(_:separator:terminator:)`` (this module's `print`), so one place
/// escapes all text output; JSON output (`--json`, `export`) is escaped by its encoder instead and keeps the exact
/// strings.
enum TerminalText {
    /// `text` with every control character escaped, per the rules above.
    static func sanitized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                result.append(scalar)
                continue
            }
            let escaped: String =
                switch scalar.value {
                case 0x0D: "\\r"
                case 0x00..<0x80: "\\x" + hex(scalar.value, digits: 2)
                default: "\\u{" + String(scalar.value, radix: 16) + "}"
                }
            result.append(contentsOf: escaped.unicodeScalars)
        }
        return String(result)
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A: false
        case 0x00..<0x20, 0x7F..<0xA0, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

/// Swift's `print`, with the text escaped by ``TerminalText/sanitized(_:)``: every `print` of this module writes
/// through it, so no command can print a container's escape sequence raw.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { String(describing: $0) }.joined(separator: separator)
    Swift.print(TerminalText.sanitized(text), terminator: terminator)
}

/// A line (or lines) for standard error, escaped by ``TerminalText/sanitized(_:)``: diagnostics quote file content
/// and container names, as standard output does.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((TerminalText.sanitized(text) + "\n").utf8))
}

extension Blackbox {
    /// ArgumentParser's `exit(withError:)` with the message escaped by ``TerminalText/sanitized(_:)``: an error names
    /// what the user gave or a container controls (`unknown container '…'`). Help and version go to standard output.
    public static func exitEscaped(withError error: Error) -> Never {
        let code = exitCode(for: error)
        let message = TerminalText.sanitized(fullMessage(for: error))
        if code == .success {
            if !message.isEmpty { Swift.print(message) }
        } else if !message.isEmpty {
            FileHandle.standardError.write(Data((message + "\n").utf8))
        }
        exit(withError: ExitCode(code.rawValue))
    }
}
