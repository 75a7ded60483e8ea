import DockerEngine
import Testing

@Suite struct LineFramerTests {
    @Test func reassemblesLinesSplitAtEveryChunkSize() throws {
        let body = try Fixtures.bytes("events.jsonl")
        let expected = try Fixtures.eventLines()
        for chunkSize in [1, 2, 3, 7, 64, 1000, body.count] {
            var framer = LineFramer()
            var lines: [[UInt8]] = []
            var start = 0
            while start < body.count {
                let end = min(start + chunkSize, body.count)
                for output in framer.append(body[start..<end]) {
                    guard case .line(let line) = output else { Issue.record("unexpected \(output)"); continue }
                    lines.append(line)
                }
                start = end
            }
            #expect(framer.finish() == nil)
            #expect(lines == expected, "chunk size \(chunkSize)")
        }
    }

    @Test func reportsAnOversizedLineOnceAndKeepsGoing() {
        var framer = LineFramer(maximumLineBytes: 8)
        var outputs = framer.append(Array("0123456789".utf8))
        outputs += framer.append(Array("abc\nok\r\n".utf8))
        #expect(outputs == [.oversized(prefix: Array("01234567".utf8), byteCount: 13), .line(Array("ok".utf8))])
    }

    @Test func countsAnOversizedLineWithoutItsCarriageReturn() {
        var framer = LineFramer(maximumLineBytes: 8)
        let outputs = framer.append(Array("0123456789\r\n01234567\r\n0123".utf8)) + framer.append(Array("45678\r".utf8)) + framer.append([0x0A])
        #expect(
            outputs == [
                .oversized(prefix: Array("01234567".utf8), byteCount: 10), .line(Array("01234567".utf8)),
                .oversized(prefix: Array("01234567".utf8), byteCount: 9),
            ])
    }

    @Test func returnsAnUnterminatedLastLineAtTheEnd() {
        var framer = LineFramer()
        #expect(framer.append(Array("{\"a\":1}\n\n{\"b\"".utf8)) == [.line(Array("{\"a\":1}".utf8))])
        #expect(framer.finish() == .line(Array("{\"b\"".utf8)))
    }
}
