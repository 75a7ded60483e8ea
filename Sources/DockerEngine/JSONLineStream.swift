import AsyncHTTPClient
import NIOCore

/// A streamed response body read as newline-separated JSON documents (`/events`, `/stats?stream=true`),
/// each turned into an `Element` by a ``JSONLineDecoder``. The body may arrive split anywhere, even inside a UTF-8 sequence.
///
/// The sequence ends when the engine closes the stream; it throws ``EngineError/unreachable(address:reason:)``
/// when the connection breaks, what the decoder's transform throws, and `CancellationError` when the consuming task
/// is cancelled.
public struct JSONLineStream<Element: Sendable>: AsyncSequence, Sendable {
    private let body: HTTPClientResponse.Body
    private let address: String
    private let decoder: JSONLineDecoder<Element>

    init(body: HTTPClientResponse, address: String, decoder: JSONLineDecoder<Element>) {
        self.body = body.body
        self.address = address
        self.decoder = decoder
    }

    init(body: HTTPClientResponse, address: String, transform: @escaping @Sendable ([UInt8]) throws -> Element) {
        self.init(body: body, address: address, decoder: JSONLineDecoder(transform: transform))
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(body: body.makeAsyncIterator(), address: address, decoder: decoder)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var body: HTTPClientResponse.Body.AsyncIterator
        let address: String
        var decoder: JSONLineDecoder<Element>
        var ready: [Element] = []
        var finished = false

        /// The next element; nil at the end of the body.
        ///
        /// - Throws: ``EngineError/unreachable(address:reason:)`` when the body breaks off; what the decoder's
        ///   transform throws for a line; `CancellationError` when the task is cancelled.
        public mutating func next() async throws -> Element? {
            while ready.isEmpty {
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
                    ready = try decoder.append(chunk.readableBytesView)
                } else {
                    finished = true
                    ready = try decoder.finish()
                }
            }
            return ready.removeFirst()
        }
    }
}
