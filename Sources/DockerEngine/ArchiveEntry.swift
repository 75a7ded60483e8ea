/// The first entry of a tar stream, as `GET /containers/{id}/archive?path=…` sends one path: the head of a regular
/// file, a symbolic link's target, or another type. Decided by ``ArchiveEntry/parse(_:maximumBytes:)`` without I/O.
public enum ArchiveEntry: Sendable, Equatable {
    /// A regular file: its first bytes (at most the requested number) and its whole size in bytes.
    case file(head: [UInt8], size: Int)
    /// A symbolic link (tar type `2`) and the path it names, as stored (relative or absolute).
    case symlink(target: String)
    /// Any other entry (a directory, a device, a hard link), by its tar type flag.
    case other(type: Character)

    /// What a prefix of the stream tells so far.
    enum Outcome: Equatable {
        /// The first entry is not complete yet: read more bytes.
        case needMore
        case entry(ArchiveEntry)
        /// Not a tar stream blackbox can read, and why.
        case malformed(String)
    }

    /// One tar block, in bytes (POSIX.1-2001 `ustar`).
    static let blockBytes = 512
    /// The largest extended header (PAX `x`/`g`, GNU `L`/`K`) read before the entry, in bytes.
    static let maximumExtensionBytes = 64 << 10
    /// How many extended headers may come before the entry.
    static let maximumExtensions = 4
    /// The most bytes ``parse(_:maximumBytes:)`` may need before it decides: the extensions and headers, and the file's head.
    static func maximumStreamBytes(maximumBytes: Int) -> Int {
        (maximumExtensions + 1) * blockBytes + maximumExtensions * maximumExtensionBytes + maximumBytes
    }

    /// Reads the first entry of a tar stream's prefix `bytes`, skipping extended headers (a PAX `linkpath` or a GNU
    /// long link name replaces the header's 100-byte link name).
    ///
    /// - Parameter maximumBytes: how much of a regular file's content to wait for (less when the file is smaller).
    static func parse(_ bytes: [UInt8], maximumBytes: Int) -> Outcome {
        var offset = 0
        var longTarget: String?
        for _ in 0...maximumExtensions {
            guard bytes.count >= offset + blockBytes else { return .needMore }
            let header = Array(bytes[offset..<offset + blockBytes])
            if header.allSatisfy({ $0 == 0 }) { return .malformed("the archive is empty") }
            guard checksumHolds(header) else { return .malformed("a tar header's checksum does not match") }
            guard let size = number(header[124..<136]), size >= 0 else { return .malformed("a tar header's size is not a number") }
            let type = header[156] == 0 ? Character("0") : Character(Unicode.Scalar(header[156]))
            let content = offset + blockBytes
            switch type {
            case "x", "g", "L", "K":
                guard size <= maximumExtensionBytes else { return .malformed("an extended tar header of \(size) bytes") }
                guard bytes.count >= content + size else { return .needMore }
                let text = Array(bytes[content..<content + size])
                if type == "x", let target = paxRecord("linkpath", in: text) { longTarget = target }
                if type == "K" { longTarget = String(decoding: text.prefix { $0 != 0 }, as: UTF8.self) }
                offset = content + (size + blockBytes - 1) / blockBytes * blockBytes
            case "0", "7":
                let wanted = min(size, maximumBytes)
                guard bytes.count >= content + wanted else { return .needMore }
                return .entry(.file(head: Array(bytes[content..<content + wanted]), size: size))
            case "2":
                return .entry(.symlink(target: longTarget ?? string(header[157..<257])))
            default:
                return .entry(.other(type: type))
            }
        }
        return .malformed("more than \(maximumExtensions) extended tar headers")
    }

    /// A NUL-terminated field as text.
    private static func string(_ field: ArraySlice<UInt8>) -> String {
        String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// A numeric field: octal digits (NUL- or space-terminated), or GNU base-256 when the high bit of its first byte is set.
    private static func number(_ field: ArraySlice<UInt8>) -> Int? {
        if let first = field.first, first & 0x80 != 0 {
            let rest = field.dropFirst()
            guard first == 0x80, rest.prefix(rest.count - 7).allSatisfy({ $0 == 0 }) else { return nil }
            return rest.suffix(7).reduce(0) { $0 << 8 | Int($1) }
        }
        let digits = field.prefix { $0 != 0 }.filter { $0 != 0x20 }
        return digits.isEmpty ? 0 : Int(String(decoding: digits, as: UTF8.self), radix: 8)
    }

    /// The header's checksum (bytes 148..<156, octal): the sum of its bytes with that field read as spaces.
    private static func checksumHolds(_ header: [UInt8]) -> Bool {
        guard let recorded = number(header[148..<156]) else { return false }
        let sum = header.enumerated().reduce(0) { $0 + ((148..<156).contains($1.offset) ? 0x20 : Int($1.element)) }
        return sum == recorded
    }

    /// The value of `key` in PAX extended-header records (`"%d %s=%s\n"`, the length counting the whole record).
    private static func paxRecord(_ key: String, in text: [UInt8]) -> String? {
        var index = 0
        while index < text.count {
            guard let space = text[index...].firstIndex(of: 0x20), let length = Int(String(decoding: text[index..<space], as: UTF8.self)),
                length > space - index, index + length <= text.count
            else { return nil }
            let record = text[(space + 1)..<(index + length - 1)]
            if let equals = record.firstIndex(of: 0x3D), String(decoding: record[..<equals], as: UTF8.self) == key {
                return String(decoding: record[(equals + 1)...], as: UTF8.self)
            }
            index += length
        }
        return nil
    }
}
