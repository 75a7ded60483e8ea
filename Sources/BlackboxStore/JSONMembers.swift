/// The members of one JSON object read from UTF-8 bytes in a single pass, with nested objects and arrays kept
/// as their verbatim bytes. Import reads millions of lines this way: a payload is stored as the exact text it
/// came as, without being decoded and encoded again.
struct JSONMembers {
    /// A member's value.
    enum Value: Equatable {
        case string(String)
        /// The number's bytes as written.
        case number(ArraySlice<UInt8>)
        case bool(Bool)
        case null
        /// An object or array: its bytes, verbatim.
        case composite(ArraySlice<UInt8>)
    }

    /// Why the bytes are not a JSON object.
    struct Malformed: Error, Equatable {
        var reason: String
    }

    /// A member's name: where it is in the bytes when it is plain ASCII (most are; no `String` is made for them),
    /// else its decoded text.
    private enum Key {
        case plain(Range<Int>)
        case decoded(String)
    }

    private let bytes: ArraySlice<UInt8>
    private var members: [(key: Key, value: Value)] = []

    /// The value of the first member named `key`.
    subscript(key: String) -> Value? {
        var name = key
        return name.withUTF8 { name in
            for member in members {
                switch member.key {
                case .plain(let range):
                    if range.count == name.count, bytes[range].withUnsafeBufferPointer({ $0.elementsEqual(name) }) { return member.value }
                case .decoded(let text):
                    if text == key { return member.value }
                }
            }
            return nil
        }
    }

    private func text(of key: Key) -> String {
        switch key {
        case .plain(let range): String(decoding: bytes[range], as: UTF8.self)
        case .decoded(let text): text
        }
    }

    /// Reads the object that spans `bytes` (surrounding white space allowed).
    ///
    /// - Throws: ``Malformed`` naming the first problem (not an object, a bad string or number, trailing bytes).
    init(_ bytes: ArraySlice<UInt8>) throws(Malformed) {
        self.bytes = bytes
        var reader = Reader(bytes: bytes, index: bytes.startIndex)
        reader.skipSpace()
        try reader.expect(UInt8(ascii: "{"), "the line is not a JSON object")
        reader.skipSpace()
        if reader.peek == UInt8(ascii: "}") {
            reader.index += 1
        } else {
            while true {
                reader.skipSpace()
                let key = try reader.key()
                reader.skipSpace()
                try reader.expect(UInt8(ascii: ":"), "expected ':' after \"\(text(of: key))\"")
                reader.skipSpace()
                members.append((key, try reader.value()))
                reader.skipSpace()
                if reader.peek == UInt8(ascii: ",") {
                    reader.index += 1
                    continue
                }
                try reader.expect(UInt8(ascii: "}"), "expected ',' or '}' after the value of \"\(text(of: key))\"")
                break
            }
        }
        reader.skipSpace()
        guard reader.index == bytes.endIndex else { throw Malformed(reason: "unexpected bytes after the JSON object") }
    }

    private struct Reader {
        let bytes: ArraySlice<UInt8>
        var index: Int

        var peek: UInt8? { index < bytes.endIndex ? bytes[index] : nil }

        mutating func skipSpace() {
            while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func expect(_ byte: UInt8, _ reason: @autoclosure () -> String) throws(Malformed) {
            guard peek == byte else { throw Malformed(reason: reason()) }
            index += 1
        }

        mutating func value() throws(Malformed) -> Value {
            switch peek {
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "{"), UInt8(ascii: "["): return .composite(try composite())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case let byte? where byte == UInt8(ascii: "-") || (0x30...0x39).contains(byte): return .number(number())
            default: throw Malformed(reason: "expected a JSON value")
            }
        }

        mutating func literal(_ word: StaticString) throws(Malformed) {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.endIndex,
                bytes[index..<index + count].elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: count))
            else { throw Malformed(reason: "expected a JSON value") }
            index += count
        }

        mutating func number() -> ArraySlice<UInt8> {
            let start = index
            while let byte = peek, (0x30...0x39).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
            {
                index += 1
            }
            return bytes[start..<index]
        }

        /// A member's name: its place when it is printable ASCII without escapes, else read as a string.
        mutating func key() throws(Malformed) -> Key {
            let quote = index
            try expect(UInt8(ascii: "\""), "expected a string")
            let start = index
            while let byte = peek, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\"), (0x20..<0x80).contains(byte) { index += 1 }
            if peek == UInt8(ascii: "\"") {
                index += 1
                return .plain(start..<index - 1)
            }
            index = quote
            return .decoded(try string())
        }

        /// A string member or value: the fast path copies bytes without escapes as they are.
        mutating func string() throws(Malformed) -> String {
            try expect(UInt8(ascii: "\""), "expected a string")
            let start = index
            var ascii = true
            while let byte = peek, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                guard byte >= 0x20 else { throw Malformed(reason: "a control character inside a string") }
                if byte >= 0x80 { ascii = false }
                index += 1
            }
            guard let stop = peek else { throw Malformed(reason: "a string is not closed") }
            // ASCII is valid UTF-8: only other bytes need validating (the generic validating initializer costs a
            // metadata look-up per call).
            let run = bytes[start..<index]
            guard let plain = ascii ? run.withUnsafeBufferPointer({ String(decoding: $0, as: UTF8.self) }) : String(validating: run, as: UTF8.self) else {
                throw Malformed(reason: "a string is not valid UTF-8")
            }
            if stop == UInt8(ascii: "\"") {
                index += 1
                return plain
            }
            var text = plain
            var scalars = String.UnicodeScalarView()
            while true {
                guard let byte = peek else { throw Malformed(reason: "a string is not closed") }
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    text.unicodeScalars.append(contentsOf: scalars)
                    return text
                case UInt8(ascii: "\\"):
                    scalars.append(try escape())
                case ..<0x20:
                    throw Malformed(reason: "a control character inside a string")
                case ..<0x80:
                    scalars.append(Unicode.Scalar(byte))
                default:
                    // A multi-byte character: copy up to the next ASCII byte.
                    let start = index - 1
                    while let next = peek, next >= 0x80 { index += 1 }
                    guard let piece = String(validating: bytes[start..<index], as: UTF8.self) else {
                        throw Malformed(reason: "a string is not valid UTF-8")
                    }
                    scalars.append(contentsOf: piece.unicodeScalars)
                }
            }
        }

        mutating func escape() throws(Malformed) -> Unicode.Scalar {
            guard let byte = peek else { throw Malformed(reason: "a string is not closed") }
            index += 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return Unicode.Scalar(byte)
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let unit = try hex4()
                if (0xD800..<0xDC00).contains(unit) {
                    guard peek == UInt8(ascii: "\\") else { throw Malformed(reason: "a lone surrogate in a \\u escape") }
                    index += 1
                    try expect(UInt8(ascii: "u"), "a lone surrogate in a \\u escape")
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low), let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) else {
                        throw Malformed(reason: "a lone surrogate in a \\u escape")
                    }
                    return scalar
                }
                guard let scalar = Unicode.Scalar(unit) else { throw Malformed(reason: "a lone surrogate in a \\u escape") }
                return scalar
            default:
                throw Malformed(reason: "an unknown escape in a string")
            }
        }

        mutating func hex4() throws(Malformed) -> UInt32 {
            guard index + 4 <= bytes.endIndex else { throw Malformed(reason: "a short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: throw Malformed(reason: "a bad \\u escape")
                }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }

        /// An object or array, skipped over by depth (strings included, so brackets inside them do not count).
        ///
        /// It walks the bytes through a buffer pointer: payloads of a kilobyte and more are skipped twice per line
        /// (the line's object, then the event's), and the checked slice access was most of the decoding's CPU.
        mutating func composite() throws(Malformed) -> ArraySlice<UInt8> {
            let start = index
            let offset = bytes.startIndex
            let (end, unclosedString) = bytes.withUnsafeBufferPointer { buffer -> (end: Int?, unclosedString: Bool) in
                var position = start - offset
                var depth = 0
                while position < buffer.count {
                    let byte = buffer[position]
                    position += 1
                    switch byte {
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { return (position, false) }
                    case UInt8(ascii: "\""):
                        while position < buffer.count, buffer[position] != UInt8(ascii: "\"") {
                            position += buffer[position] == UInt8(ascii: "\\") ? 2 : 1
                        }
                        guard position < buffer.count else { return (nil, true) }
                        position += 1
                    default:
                        break
                    }
                }
                return (nil, false)
            }
            guard let end else {
                index = bytes.endIndex
                throw Malformed(reason: unclosedString ? "a string is not closed" : "an object or array is not closed")
            }
            index = offset + end
            return bytes[start..<index]
        }
    }
}

extension JSONMembers.Value {
    /// The text of a string value.
    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// An integer value (a number with no fraction or exponent), read as `Int64(String)` reads its text: an optional
    /// sign, then decimal digits; nil when it overflows.
    var int64: Int64? {
        guard case .number(let bytes) = self, let first = bytes.first else { return nil }
        let negative = first == UInt8(ascii: "-")
        let digits = first == UInt8(ascii: "-") || first == UInt8(ascii: "+") ? bytes.dropFirst() : bytes
        guard !digits.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in digits {
            guard (0x30...0x39).contains(byte) else { return nil }
            let digit = Int64(byte - 0x30)
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let (next, carry) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflow, !carry else { return nil }
            value = next
        }
        return value
    }

    /// Any number.
    var double: Double? {
        if case .number(let bytes) = self { return Double(Substring(decoding: bytes, as: UTF8.self)) }
        return nil
    }

    var isNull: Bool { self == .null }
}
