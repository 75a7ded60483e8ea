/// Re-frames a byte stream that arrives in arbitrary chunks into newline-terminated lines.
///
/// Used for `/events` and streamed `/stats`, whose bodies are JSON documents separated by `\n`.
/// A line longer than `maximumLineBytes` is not buffered whole: it is reported once as
/// ``Output/oversized(prefix:byteCount:)`` with its first bytes, so one bad line cannot exhaust memory.
public struct LineFramer: Sendable {
    public enum Output: Sendable, Equatable {
        /// One complete line without its `\n` (a trailing `\r` is removed too).
        case line([UInt8])
        /// A line over the bound: its first `maximumLineBytes` bytes and its total length in bytes.
        case oversized(prefix: [UInt8], byteCount: Int)
    }

    public let maximumLineBytes: Int
    private var buffer: [UInt8] = []
    private var oversizedPrefix: [UInt8]?
    private var oversizedCount = 0
    private var oversizedLastByte: UInt8?

    public init(maximumLineBytes: Int = 1 << 20) {
        self.maximumLineBytes = maximumLineBytes
    }

    /// Adds a chunk and returns the lines it completed, in order. Empty lines are dropped.
    public mutating func append(_ chunk: some BidirectionalCollection<UInt8>) -> [Output] {
        var outputs: [Output] = []
        var start = chunk.startIndex
        while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
            consume(chunk[start..<newline])
            if let output = endLine() { outputs.append(output) }
            start = chunk.index(after: newline)
        }
        consume(chunk[start...])
        return outputs
    }

    /// Returns the unterminated last line, if any, at the end of the stream.
    public mutating func finish() -> Output? {
        endLine()
    }

    private mutating func consume(_ bytes: some BidirectionalCollection<UInt8>) {
        guard !bytes.isEmpty else { return }
        if oversizedPrefix != nil {
            oversizedCount += bytes.count
            oversizedLastByte = bytes.last
        } else if buffer.count + bytes.count > maximumLineBytes {
            buffer.append(contentsOf: bytes)
            oversizedCount = buffer.count
            oversizedLastByte = buffer.last
            oversizedPrefix = Array(buffer.prefix(maximumLineBytes))
            buffer = []
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    private mutating func endLine() -> Output? {
        if let prefix = oversizedPrefix {
            // The length excludes a `\r` before the `\n`, as a line's bytes do; without it the line may fit after all.
            let count = oversizedCount - (oversizedLastByte == UInt8(ascii: "\r") ? 1 : 0)
            oversizedPrefix = nil
            oversizedCount = 0
            oversizedLastByte = nil
            return count > maximumLineBytes ? .oversized(prefix: prefix, byteCount: count) : .line(prefix)
        }
        if buffer.last == UInt8(ascii: "\r") { buffer.removeLast() }
        guard !buffer.isEmpty else { return nil }
        defer { buffer = [] }
        return .line(buffer)
    }
}
