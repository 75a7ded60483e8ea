/// The pure core of ``JSONLineStream``: re-frames chunks of a body into lines (``LineFramer``) and turns each line
/// into an `Element`.
public struct JSONLineDecoder<Element: Sendable>: Sendable {
    private var framer: LineFramer
    private let transform: @Sendable ([UInt8]) throws -> Element
    private let oversized: (@Sendable ([UInt8], Int) -> Element)?

    /// - Parameters:
    ///   - transform: turns a line (without its newline) into an element; what it throws ends the stream.
    ///   - oversized: the element for a line over `maximumLineBytes`, given its first bytes and its length; nil to skip such lines.
    public init(
        maximumLineBytes: Int = 1 << 20, transform: @escaping @Sendable ([UInt8]) throws -> Element,
        oversized: (@Sendable ([UInt8], Int) -> Element)? = nil
    ) {
        self.framer = LineFramer(maximumLineBytes: maximumLineBytes)
        self.transform = transform
        self.oversized = oversized
    }

    /// The elements of the lines `chunk` completed, in order.
    ///
    /// - Throws: what `transform` throws for a line.
    public mutating func append(_ chunk: some BidirectionalCollection<UInt8>) throws -> [Element] {
        try framer.append(chunk).compactMap(element)
    }

    /// The element of the unterminated last line, if any, at the end of the body.
    ///
    /// - Throws: what `transform` throws for the line.
    public mutating func finish() throws -> [Element] {
        try framer.finish().flatMap(element).map { [$0] } ?? []
    }

    private func element(_ output: LineFramer.Output) throws -> Element? {
        switch output {
        case .line(let line): try transform(line)
        case .oversized(let prefix, let count): oversized?(prefix, count)
        }
    }
}

extension JSONLineDecoder where Element == EventStreamElement {
    /// The decoder of `/events`: every line becomes an event or a rejection with its reason; it never throws.
    public static func events(maximumLineBytes: Int = 1 << 20) -> JSONLineDecoder<EventStreamElement> {
        JSONLineDecoder(
            maximumLineBytes: maximumLineBytes,
            transform: { line in
                do throws(EventDecodingError) {
                    return .event(try EngineEvent.decode(line: line))
                } catch {
                    return .malformed(raw: EventStreamElement.keptPrefix(line), reason: error)
                }
            },
            oversized: { prefix, count in
                .malformed(raw: EventStreamElement.keptPrefix(prefix), reason: .oversized(byteCount: count, limit: maximumLineBytes))
            })
    }
}
