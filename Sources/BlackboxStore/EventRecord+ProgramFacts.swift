import Foundation

extension EventRecord {
    /// What a container's program file is, decided from its first bytes (read from the stopped container when the
    /// kernel refused to start it: `exec /app/server: no such file or directory`). Part of ``HostFacts``.
    public struct ProgramFacts: Codable, Sendable, Equatable {
        /// The kinds of file the kernel's `execve` tells apart.
        public enum Kind: String, Codable, Sendable {
            /// An ELF executable or shared object (`\x7fELF`).
            case elf
            /// A script: its first line starts with `#!`.
            case script
            /// Anything else (no `#!` and no ELF header: `exec format error` territory).
            case other
        }

        public var kind: Kind
        /// ELF only: class and byte order, as `ELF 64-bit LSB`.
        public var format: String?
        /// ELF only: the dynamic loader its `PT_INTERP` program header names (`/lib64/ld-linux-x86-64.so.2`).
        public var interpreter: String?
        /// ELF only: true when every program header was read and none is `PT_INTERP` (a static binary); nil when
        /// the headers lie beyond the bytes read.
        public var isStatic: Bool?
        /// Script only: the first line, at most ``maximumLineCharacters`` characters, with a carriage return shown
        /// as `\r` and other control bytes as `\xNN`.
        public var firstLine: String?
        /// Script only: whether the first line ends in a carriage return (CRLF line ends).
        public var endsInCR: Bool?

        /// The longest first line kept, in characters.
        public static let maximumLineCharacters = 200

        public init(
            kind: Kind, format: String? = nil, interpreter: String? = nil, isStatic: Bool? = nil, firstLine: String? = nil, endsInCR: Bool? = nil
        ) {
            self.kind = kind
            self.format = format
            self.interpreter = interpreter
            self.isStatic = isStatic
            self.firstLine = firstLine
            self.endsInCR = endsInCR
        }

        enum CodingKeys: String, CodingKey {
            case kind, format, interpreter
            case isStatic = "static"
            case firstLine = "first_line"
            case endsInCR = "ends_in_cr"
        }
    }
}
