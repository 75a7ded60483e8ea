/// One line of `GET /containers/{id}/logs?timestamps=1`.
public struct LogLine: Sendable, Equatable, Codable {
    public enum Stream: String, Sendable, Codable {
        case stdout, stderr
        /// A TTY container: the engine merges both streams and sends them unframed.
        case tty
    }

    public var stream: Stream
    /// The engine's timestamp of the line, Unix nanoseconds; nil when the line carried none.
    public var timeNanos: Int64?
    /// The line's text without its newline (invalid UTF-8 is replaced by U+FFFD).
    public var text: String

    enum CodingKeys: String, CodingKey {
        case stream, text
        case timeNanos = "time_ns"
    }

    public init(stream: Stream, timeNanos: Int64?, text: String) {
        self.stream = stream
        self.timeNanos = timeNanos
        self.text = text
    }

    /// Splits a logs body into lines.
    ///
    /// Non-TTY containers' bodies are framed: an 8-byte header (stream 1 = stdout, 2 = stderr, three zero bytes,
    /// the payload length as a big-endian UInt32) before each payload. TTY containers' bodies are raw text.
    /// With `timestamps=1` each line starts with an RFC 3339 time and a space, which is parsed off.
    public static func parse(_ body: [UInt8], tty: Bool) -> [LogLine] {
        var pending: [Stream: [UInt8]] = [:]
        var lines: [LogLine] = []
        // Searches only the new bytes for newlines, so a long line split over many frames costs linear time.
        func emit(_ stream: Stream, _ bytes: some Collection<UInt8>, final: Bool) {
            var start = bytes.startIndex
            while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
                pending[stream, default: []].append(contentsOf: bytes[start..<newline])
                lines.append(line(stream, pending[stream, default: []][...]))
                pending[stream] = []
                start = bytes.index(after: newline)
            }
            pending[stream, default: []].append(contentsOf: bytes[start...])
            if final, let rest = pending[stream], !rest.isEmpty {
                lines.append(line(stream, rest[...]))
                pending[stream] = []
            }
        }
        if tty {
            emit(.tty, body, final: true)
            return lines
        }
        var index = 0
        while index + 8 <= body.count {
            let kind = body[index]
            let length = body[index + 4..<index + 8].reduce(0) { $0 << 8 | Int($1) }
            let end = min(index + 8 + length, body.count)
            emit(kind == 2 ? .stderr : .stdout, body[index + 8..<end], final: false)
            index = end
        }
        for stream in [Stream.stdout, .stderr] { emit(stream, [], final: true) }
        return lines
    }

    private static func line(_ stream: Stream, _ bytes: ArraySlice<UInt8>) -> LogLine {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        if let space = text.firstIndex(of: " "), let nanos = Timestamp.unixNanos(rfc3339: String(text[..<space])) {
            return LogLine(stream: stream, timeNanos: nanos, text: String(text[text.index(after: space)...]))
        }
        return LogLine(stream: stream, timeNanos: nil, text: text)
    }
}
