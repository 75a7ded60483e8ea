extension EventRecord.ProgramFacts {
    /// `PT_INTERP`: the program header naming the dynamic loader (System V ABI, "Program Header").
    private static let interpreterHeaderType: UInt64 = 3
    /// The most program headers read; real binaries have about a dozen.
    private static let maximumProgramHeaders = 256
    /// The longest loader path kept, in bytes (Linux's `PATH_MAX` is 4096; real ones are about 30).
    private static let maximumInterpreterBytes = 4096

    /// Decides what a program is from its first bytes (``EventRecord/ProgramFacts`` keeps no bytes). Pure.
    ///
    /// - Parameter head: the file's first bytes, as many as were read (the recorder reads at most 4 KiB); a program
    ///   header or loader path beyond them is unknown, not absent.
    public init(head: [UInt8]) {
        if head.starts(with: [0x7F, 0x45, 0x4C, 0x46]) {
            self = Self.elf(head)
        } else if head.starts(with: [0x23, 0x21]) {
            self = Self.script(head)
        } else {
            self.init(kind: .other)
        }
    }

    private static func script(_ head: [UInt8]) -> Self {
        let line = head.prefix { $0 != 0x0A }
        let endsInCR = line.last == 0x0D
        var shown = ""
        for scalar in String(decoding: line, as: UTF8.self).unicodeScalars {
            guard shown.count < maximumLineCharacters else { break }
            switch scalar {
            case "\r": shown += "\\r"
            case "\t": shown += "\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: shown += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            default: shown.unicodeScalars.append(scalar)
            }
        }
        return Self(kind: .script, firstLine: shown, endsInCR: endsInCR)
    }

    private static func elf(_ head: [UInt8]) -> Self {
        guard head.count > 5, [1, 2].contains(head[4]), [1, 2].contains(head[5]) else { return Self(kind: .elf) }
        let is64 = head[4] == 2
        let bigEndian = head[5] == 2
        var facts = Self(kind: .elf, format: "ELF \(is64 ? 64 : 32)-bit \(bigEndian ? "MSB" : "LSB")")
        func integer(at offset: Int, bytes: Int) -> UInt64? {
            guard offset >= 0, bytes <= 8, offset <= head.count - bytes else { return nil }
            let slice = head[offset..<offset + bytes]
            let mostSignificantFirst: [UInt8] = bigEndian ? Array(slice) : Array(slice.reversed())
            return mostSignificantFirst.reduce(0) { $0 << 8 | UInt64($1) }
        }
        // ELF header: e_phoff, e_phentsize, e_phnum (32-bit: 0x1C, 0x2A, 0x2C; 64-bit: 0x20, 0x36, 0x38).
        let word = is64 ? 8 : 4
        guard let tableOffset = integer(at: is64 ? 0x20 : 0x1C, bytes: word), let entrySize = integer(at: is64 ? 0x36 : 0x2A, bytes: 2),
            let count = integer(at: is64 ? 0x38 : 0x2C, bytes: 2), entrySize >= (is64 ? 56 : 32), count <= maximumProgramHeaders,
            tableOffset < UInt64(Int32.max)
        else { return facts }
        for index in 0..<Int(count) {
            let entry = Int(tableOffset) + index * Int(entrySize)
            // p_type at 0; p_offset at 8 (64-bit) or 4; p_filesz at 32 (64-bit) or 16.
            guard let type = integer(at: entry, bytes: 4), let offset = integer(at: entry + (is64 ? 8 : 4), bytes: word),
                let size = integer(at: entry + (is64 ? 32 : 16), bytes: word)
            else { return facts }
            guard type == interpreterHeaderType else { continue }
            guard offset < UInt64(head.count), size <= UInt64(maximumInterpreterBytes) else { return facts }
            let bytes = head[Int(offset)..<min(head.count, Int(offset + size))]
            guard let end = bytes.firstIndex(of: 0) ?? (Int(offset + size) <= head.count ? bytes.endIndex : nil) else { return facts }
            facts.interpreter = String(decoding: head[Int(offset)..<end], as: UTF8.self)
            facts.isStatic = false
            return facts
        }
        facts.isStatic = true
        return facts
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
