/// Parsing of the kernel's text files (`/proc`, cgroup files) as bytes: they are ASCII, and a sampler reads a dozen of
/// them per container per second, so they are never turned into `String`s.
enum ProcText {
    /// The lines, without their `\n`.
    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        bytes.split(separator: UInt8(ascii: "\n"))
    }

    /// The fields of a line separated by spaces or tabs.
    static func fields(_ line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        line.split { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    /// A decimal number of ASCII digits, nil for anything else (or an overflow).
    static func unsigned(_ digits: ArraySlice<UInt8>) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow, !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    /// The bytes without leading and trailing whitespace.
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return [] }
        return bytes[first...last]
    }

    /// The first number after `key` on the line that starts with it, in a file of `key value` lines (`memory.stat`,
    /// `cpu.stat`) or `key: value kB` lines (`/proc/meminfo`).
    static func value(of key: String, in bytes: [UInt8]) -> UInt64? {
        let key = Array(key.utf8)
        for line in lines(bytes) where line.starts(with: key) {
            let rest = line.dropFirst(key.count)
            guard let separator = rest.first, separator == UInt8(ascii: " ") || separator == UInt8(ascii: ":") else { continue }
            return fields(rest.dropFirst()).first.flatMap(unsigned)
        }
        return nil
    }
}
