import AsyncHTTPClient
import NIOCore

/// A streamed response body read as newline-separated JSON documents (`/events`, `/stats?stream=true`),
/// each turned into an `Element` by a transform. The body may arrive split anywhere, even inside a UTF-8 sequence.
///
/// The sequence ends when the engine closes the stream; it throws ``EngineError/unreachable(address:reason:)``
/// when the connection breaks, and `CancellationError` when the consuming task is cancelled.
public struct JSONLineStream<Element: Sendable>: AsyncSequence, Sendable {
    private let body: HTTPClientResponse.Body
    private let address: String
    private let maximumLineBytes: Int
    private let transform: @Sendable ([UInt8]) throws -> Element
    private let oversized: (@Sendable ([UInt8], Int) -> Element)?

    init(body: HTTPClientResponse, address: String, maximumLineBytes: Int = 1 << 20, transform: @escaping @Sendable ([UInt8]) throws -> Element)
    where Element == EventStreamElement {
        self.body = body.body
        self.address = address
        self.maximumLineBytes = maximumLineBytes
        self.transform = transform
        self.oversized = { prefix, count in
            .malformed(raw: prefix, reason: "the line is \(count) bytes, over the \(maximumLineBytes)-byte bound")
        }
    }

    init(body: HTTPClientResponse, address: String, transform: @escaping @Sendable ([UInt8]) throws -> Element) {
        self.body = body.body
        self.address = address
        self.maximumLineBytes = 1 << 20
        self.transform = transform
        self.oversized = nil
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(
            body: body.makeAsyncIterator(), address: address, framer: LineFramer(maximumLineBytes: maximumLineBytes), transform: transform,
            oversized: oversized)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var body: HTTPClientResponse.Body.AsyncIterator
        let address: String
        var framer: LineFramer
        let transform: @Sendable ([UInt8]) throws -> Element
        let oversized: (@Sendable ([UInt8], Int) -> Element)?
        var ready: [LineFramer.Output] = []
        var finished = false

        public mutating func next() async throws -> Element? {
            while true {
                while !ready.isEmpty {
                    switch ready.removeFirst() {
                    case .line(let line):
                        return try transform(line)
                    case .oversized(let prefix, let count):
                        if let oversized { return oversized(prefix, count) }
                    }
                }
                if finished { return nil }
                let chunk: ByteBuffer?
                do {
                    chunk = try await body.next()
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    throw EngineError.unreachable(address: address, reason: "the stream broke: \(error)")
                }
                if let chunk {
                    ready = framer.append(chunk.readableBytesView)
                } else {
                    finished = true
                    if let last = framer.finish() { ready = [last] }
                }
            }
        }
    }
}
