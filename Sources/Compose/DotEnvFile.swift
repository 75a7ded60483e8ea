import Foundation

/// A `.env` or `env_file` file: `NAME=value` lines; blank lines and `#` comments are skipped, an `export ` prefix is
/// allowed, and a value in matching single or double quotes loses them.
struct DotEnvFile {
    struct Entry {
        var name: String
        /// nil for a line that names a variable without `=` (its value then comes from the shell).
        var value: String?
        var line: Int
    }

    let path: String
    let entries: [Entry]

    /// The largest file read, bytes (1 MiB): a `.env` file is a few hundred lines; a larger one is refused before it
    /// is read, so a file such as `/dev/zero` or a 1 GB log named by mistake costs nothing.
    static let maximumBytes = 1 << 20

    /// Reads the file; nil when it does not exist.
    ///
    /// - Throws: ``ComposeProblem`` when it exists but cannot be read, is not a regular file, or is larger than
    ///   ``maximumBytes``.
    static func read(_ path: String, shownAs shown: String) throws -> DotEnvFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        try ComposeFileSize.check(path, shownAs: shown, maximumBytes: maximumBytes)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ComposeProblem("cannot read \(shown)", at: ComposeLocation(file: shown, line: 0))
        }
        return DotEnvFile(path: shown, entries: parse(text))
    }

    static func parse(_ text: String) -> [Entry] {
        var entries: [Entry] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst("export ".count)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else {
                entries.append(Entry(name: line, value: nil, line: number + 1))
                continue
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = String(value.dropFirst().dropLast())
            } else if let comment = value.range(of: " #") {
                value = value[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            entries.append(Entry(name: name, value: value, line: number + 1))
        }
        return entries
    }

    /// The values by name (a later line wins).
    var values: [String: String] {
        var values: [String: String] = [:]
        for entry in entries { if let value = entry.value { values[entry.name] = value } }
        return values
    }
}
