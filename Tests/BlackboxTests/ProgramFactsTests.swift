import BlackboxCore
import BlackboxStore
@testable import DockerEngine
import Foundation
import Playbooks
@testable import Recorder
import Testing

/// What a failed program is, from its first bytes; the tar entry the engine's archive endpoint sends; and which path
/// the recorder reads. No I/O.
@Suite struct ProgramFactsTests {
    /// An ELF file: header, program headers at 64 (64-bit) or 52 (32-bit), then `interpreter` NUL-terminated.
    static func elf(is64: Bool, bigEndian: Bool, interpreter: String?, headers: Int = 3) -> [UInt8] {
        func bytes(_ value: Int, _ count: Int) -> [UInt8] {
            let little = (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
            return bigEndian ? little.reversed() : little
        }
        let headerSize = is64 ? 64 : 52
        let entrySize = is64 ? 56 : 32
        var file: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, is64 ? 2 : 1, bigEndian ? 2 : 1, 1]
        file += [UInt8](repeating: 0, count: 16 - file.count)
        file += bytes(2, 2) + bytes(62, 2) + bytes(1, 4)  // e_type EXEC, e_machine x86-64, e_version
        file += is64 ? bytes(0x401000, 8) + bytes(headerSize, 8) + bytes(0, 8) : bytes(0x401000, 4) + bytes(headerSize, 4) + bytes(0, 4)
        file += bytes(0, 4) + bytes(headerSize, 2) + bytes(entrySize, 2) + bytes(headers, 2) + bytes(0, 2) + bytes(0, 2) + bytes(0, 2)
        #expect(file.count == headerSize)
        let interpOffset = headerSize + headers * entrySize
        let path: [UInt8] = interpreter.map { Array($0.utf8) + [0] } ?? []
        for index in 0..<headers {
            let type = index == 1 && interpreter != nil ? 3 : (index == 0 ? 6 : 1)  // PT_PHDR, PT_INTERP, PT_LOAD
            let (offset, size) = type == 3 ? (interpOffset, path.count) : (0, 0x1000)
            file += is64
                ? bytes(type, 4) + bytes(5, 4) + bytes(offset, 8) + bytes(0, 8) + bytes(0, 8) + bytes(size, 8) + bytes(size, 8) + bytes(0x1000, 8)
                : bytes(type, 4) + bytes(offset, 4) + bytes(0, 4) + bytes(0, 4) + bytes(size, 4) + bytes(size, 4) + bytes(5, 4) + bytes(0x1000, 4)
        }
        return file + path + [UInt8](repeating: 0xCC, count: 64)
    }

    @Test func elfInterpreterInEveryClassAndByteOrder() {
        for is64 in [true, false] {
            for bigEndian in [false, true] {
                let facts = EventRecord.ProgramFacts(head: Self.elf(is64: is64, bigEndian: bigEndian, interpreter: "/lib64/ld-linux-x86-64.so.2"))
                #expect(facts.kind == .elf)
                #expect(facts.format == "ELF \(is64 ? 64 : 32)-bit \(bigEndian ? "MSB" : "LSB")")
                #expect(facts.interpreter == "/lib64/ld-linux-x86-64.so.2")
                #expect(facts.isStatic == false)
                #expect(facts.firstLine == nil)
            }
        }
    }

    @Test func staticELFHasNoInterpreter() {
        let facts = EventRecord.ProgramFacts(head: Self.elf(is64: true, bigEndian: false, interpreter: nil))
        #expect(facts == EventRecord.ProgramFacts(kind: .elf, format: "ELF 64-bit LSB", isStatic: true))
    }

    @Test func headersBeyondTheHeadAreUnknownNotStatic() {
        let whole = Self.elf(is64: true, bigEndian: false, interpreter: "/lib/ld-musl-x86_64.so.1")
        // The head ends inside the program headers, then inside the loader's path.
        let inHeaders = EventRecord.ProgramFacts(head: Array(whole.prefix(64 + 56 + 20)))
        #expect(inHeaders.kind == .elf && inHeaders.interpreter == nil && inHeaders.isStatic == nil)
        let inPath = EventRecord.ProgramFacts(head: Array(whole.prefix(64 + 3 * 56 + 5)))
        #expect(inPath.interpreter == nil && inPath.isStatic == nil)
        #expect(EventRecord.ProgramFacts(head: [0x7F, 0x45, 0x4C, 0x46]) == EventRecord.ProgramFacts(kind: .elf))
    }

    @Test func scriptsFirstLineShowsTheCarriageReturn() {
        let crlf = EventRecord.ProgramFacts(head: Array("#!/bin/sh\r\necho serving\r\n".utf8))
        #expect(crlf == EventRecord.ProgramFacts(kind: .script, firstLine: "#!/bin/sh\\r", endsInCR: true))
        let clean = EventRecord.ProgramFacts(head: Array("#!/bin/bash\nexec sleep 1\n".utf8))
        #expect(clean == EventRecord.ProgramFacts(kind: .script, firstLine: "#!/bin/bash", endsInCR: false))
        let control = EventRecord.ProgramFacts(head: Array("#!/bin/sh\u{1B}x".utf8) + [UInt8](repeating: 0x61, count: 500))
        #expect(control.firstLine?.hasPrefix("#!/bin/sh\\x1Bx") == true)
        #expect(control.firstLine?.count == EventRecord.ProgramFacts.maximumLineCharacters)
        #expect(EventRecord.ProgramFacts(head: Array("echo hi\n".utf8)) == EventRecord.ProgramFacts(kind: .other))
        #expect(EventRecord.ProgramFacts(head: []) == EventRecord.ProgramFacts(kind: .other))
    }

    @Test func oldHostFactsDecodeWithoutPrograms() throws {
        let old = try JSONDecoder().decode(EventRecord.HostFacts.self, from: Data(#"{"paths":{"/srv":"uid 0, gid 0, mode 0755"},"ports":{}}"#.utf8))
        #expect(old.programs == nil && !old.isEmpty)
        let facts = EventRecord.HostFacts(programs: ["/app/sleep": EventRecord.ProgramFacts(kind: .elf, interpreter: "/lib64/ld-linux-x86-64.so.2", isStatic: false)])
        let encoded = String(decoding: try JSONEncoder().encode(facts), as: UTF8.self)
        #expect(encoded.contains(#""static":false"#))
        #expect(try JSONDecoder().decode(EventRecord.HostFacts.self, from: Data(encoded.utf8)) == facts)
    }

    // MARK: - The archive's tar stream

    /// One ustar header block with a valid checksum.
    static func tarHeader(name: String, size: Int, type: Character, link: String = "") -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) { for (index, byte) in text.utf8.enumerated() { block[offset + index] = byte } }
        put(name, at: 0)
        put("0000644\0", at: 100)
        put(String(format: "%011o\0", size), at: 124)
        block[156] = UInt8(ascii: type.unicodeScalars.first!)
        put(link, at: 157)
        put("ustar\000", at: 257)
        put("        ", at: 148)
        put(String(format: "%06o\0 ", block.reduce(0) { $0 + Int($1) }), at: 148)
        return block
    }

    static func padded(_ bytes: [UInt8]) -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: (512 - bytes.count % 512) % 512)
    }

    @Test func tarFileEntryWaitsForItsHeadOnly() {
        let content = [UInt8](repeating: 0x41, count: 10_000)
        let stream = Self.tarHeader(name: "sleep", size: content.count, type: "0") + Self.padded(content) + [UInt8](repeating: 0, count: 1024)
        #expect(ArchiveEntry.parse(Array(stream.prefix(511)), maximumBytes: 4096) == .needMore)
        #expect(ArchiveEntry.parse(Array(stream.prefix(512 + 4095)), maximumBytes: 4096) == .needMore)
        #expect(ArchiveEntry.parse(Array(stream.prefix(512 + 4096)), maximumBytes: 4096) == .entry(.file(head: Array(content.prefix(4096)), size: 10_000)))
        let small = Self.tarHeader(name: "run.sh", size: 3, type: "0") + Self.padded(Array("#!\n".utf8))
        #expect(ArchiveEntry.parse(small, maximumBytes: 4096) == .entry(.file(head: Array("#!\n".utf8), size: 3)))
    }

    @Test func tarSymlinkTargetFromTheHeaderOrPAX() {
        #expect(ArchiveEntry.parse(Self.tarHeader(name: "sleep", size: 0, type: "2", link: "../bin/busybox"), maximumBytes: 4096)
            == .entry(.symlink(target: "../bin/busybox")))
        let long = "/opt/" + String(repeating: "x", count: 150)
        let record = " linkpath=\(long)\n"
        var length = record.utf8.count + 3
        if String(length).count != 3 { length = record.utf8.count + String(length).count }
        let pax = Array("\(length)\(record)".utf8)
        let stream = Self.tarHeader(name: "PaxHeaders/sleep", size: pax.count, type: "x") + Self.padded(pax)
            + Self.tarHeader(name: "sleep", size: 0, type: "2", link: String(long.prefix(100)))
        #expect(ArchiveEntry.parse(stream, maximumBytes: 4096) == .entry(.symlink(target: long)))
        #expect(ArchiveEntry.parse(Array(stream.prefix(700)), maximumBytes: 4096) == .needMore)
    }

    @Test func tarOtherAndMalformed() {
        #expect(ArchiveEntry.parse(Self.tarHeader(name: "app", size: 0, type: "5"), maximumBytes: 4096) == .entry(.other(type: "5")))
        #expect(ArchiveEntry.parse([UInt8](repeating: 0, count: 1024), maximumBytes: 4096) == .malformed("the archive is empty"))
        var corrupt = Self.tarHeader(name: "sleep", size: 1, type: "0")
        corrupt[0] ^= 0xFF
        #expect(ArchiveEntry.parse(corrupt, maximumBytes: 4096) == .malformed("a tar header's checksum does not match"))
        let huge = Self.tarHeader(name: "PaxHeaders/x", size: ArchiveEntry.maximumExtensionBytes + 1, type: "x")
        guard case .malformed = ArchiveEntry.parse(huge, maximumBytes: 4096) else {
            Issue.record("an oversized extended header was accepted")
            return
        }
    }

    // MARK: - Which program the recorder reads

    @Test func programPathFromTheLogOrTheEntrypoint() {
        func lines(_ texts: String...) -> [LogLine] { texts.map { LogLine(stream: .stderr, timeNanos: 0, text: $0) } }
        let inspect = JSONValue.parse(#"{"Config":{"Entrypoint":["./entry.sh","serve"],"Cmd":["x"],"WorkingDir":"/srv/app"}}"#)
        #expect(ProgramPath.failed(inspect: inspect, logLines: lines("starting", "exec /app/sleep: no such file or directory")) == "/app/sleep")
        #expect(ProgramPath.failed(inspect: inspect, logLines: lines(#"standard_init_linux.go:211: exec user process caused "no such file or directory""#))
            == "/srv/app/entry.sh")
        let commandOnly = JSONValue.parse(#"{"Config":{"Entrypoint":null,"Cmd":["/docker-entrypoint.sh"]}}"#)
        #expect(ProgramPath.failed(inspect: commandOnly, logLines: lines("exec user process caused: no such file or directory")) == "/docker-entrypoint.sh")
        #expect(ProgramPath.failed(inspect: inspect, logLines: lines("cp: cannot stat '/tmp/seed.sql': No such file or directory")) == nil)
        #expect(ProgramPath.resolve("../bin/busybox", from: "/app/sleep") == "/bin/busybox")
        #expect(ProgramPath.resolve("/usr/bin/python3", from: "/app/run") == "/usr/bin/python3")
        #expect(ProgramPath.resolve("real", from: "/app/./link") == "/app/real")
    }
}
