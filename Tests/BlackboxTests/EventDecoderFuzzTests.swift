import DockerEngine
import Foundation
import Testing

/// The `/events` decoder fed random, truncated, mutated and oversized lines, whole and split across chunks.
/// Seeded: a failure names the seed and the case, and reproduces.
@Suite struct EventDecoderFuzzTests {
    static let seed: UInt64 = 0xB1AC_CB0C_2026_1129
    /// A small line bound, so oversized lines stay cheap; the default bound has a test of its own.
    static let bound = 2048

    /// What the decoder must make of a generated line.
    enum Expected: Equatable {
        case event(EngineEvent)
        /// Rejected with this kind of reason; nil: any reason but `oversized` (random bytes).
        case rejected(EventDecodingError.Kind?)
    }

    struct Case {
        var line: [UInt8]
        var expected: Expected
    }

    static func fixtureObjects() throws -> [[String: Any]] {
        try Fixtures.eventLines().map { try #require(try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]) }
    }

    static func serialize(_ object: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    static func generate(_ random: inout SeededGenerator, lines: [[UInt8]], objects: [[String: Any]]) throws -> Case {
        let index = Int.random(in: 0..<lines.count, using: &random)
        let line = lines[index]
        var object = objects[index]
        switch Int.random(in: 0..<8, using: &random) {
        case 0:
            return Case(line: line, expected: .event(try EngineEvent.decode(line: line)))
        case 1:
            return Case(line: Array(line.prefix(Int.random(in: 1..<line.count, using: &random))), expected: .rejected(.invalidJSON))
        case 2:
            let bytes = (0..<Int.random(in: 1...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            return Case(line: bytes.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }, expected: .rejected(nil))
        case 3:
            let padding = String(repeating: "x", count: Int.random(in: bound...(3 * bound), using: &random))
            var actor = object["Actor"] as? [String: Any] ?? [:]
            actor["Attributes"] = ["padding": padding]
            object["Actor"] = actor
            return Case(line: serialize(object), expected: .rejected(.oversized))
        case 4:
            var bytes = line
            let quote = try #require(bytes.firstIndex(of: UInt8(ascii: ":")))
            bytes.insert(contentsOf: [UInt8(ascii: "\""), 0xC3, UInt8(ascii: "\"")], at: quote + 1)
            return Case(line: bytes, expected: .rejected(.invalidUTF8))
        case 5:
            object["timeNano"] = "\(object["timeNano"] ?? 0)"
            return Case(line: serialize(object), expected: .rejected(.wrongFieldType))
        case 6:
            object["Type"] = "gizmo\(Int.random(in: 0...99, using: &random))"
            return Case(line: serialize(object), expected: .rejected(.unknownType))
        default:
            let field = try #require(["Type", "Action", "timeNano"].randomElement(using: &random))
            let alternative = ["Action": "status", "timeNano": "time"][field]
            for key in [field] + (alternative.map { [$0] } ?? []) { object.removeValue(forKey: key) }
            return Case(line: serialize(object), expected: .rejected(.missingField))
        }
    }

    static func check(_ element: EventStreamElement, against testCase: Case, _ comment: Comment) {
        switch (element, testCase.expected) {
        case (.event(let event), .event(let expected)):
            #expect(event == expected, comment)
        case (.malformed(let raw, let reason), .rejected(let kind)):
            if let kind {
                #expect(reason.kind == kind, comment)
            } else {
                #expect(reason.kind != .oversized, comment)
            }
            if case .oversized(let byteCount, let limit) = reason {
                #expect(byteCount == testCase.line.count, comment)
                #expect(limit == bound, comment)
                #expect(raw == Array(testCase.line.prefix(bound)), comment)
            } else {
                #expect(raw == testCase.line, comment)
            }
            #expect(!reason.description.isEmpty, comment)
        default:
            Issue.record("got \(element), expected \(testCase.expected) (\(comment.rawValue))")
        }
    }

    @Test func decodesEveryValidLineAndRejectsEveryOtherWithItsReason() throws {
        var random = SeededGenerator(seed: Self.seed)
        let lines = try Fixtures.eventLines()
        let objects = try Self.fixtureObjects()
        var decoded = 0
        var rejected: [EventDecodingError.Kind: Int] = [:]
        var expectedEvents = 0
        for number in 0..<3000 {
            let testCase = try Self.generate(&random, lines: lines, objects: objects)
            var decoder = JSONLineDecoder.events(maximumLineBytes: Self.bound)
            let elements = try decoder.append(testCase.line + [0x0A]) + decoder.finish()
            let comment: Comment = "seed \(Self.seed), case \(number)"
            #expect(elements.count == 1, comment)
            guard let element = elements.first else { continue }
            Self.check(element, against: testCase, comment)
            switch element {
            case .event: decoded += 1
            case .malformed(_, let reason): rejected[reason.kind, default: 0] += 1
            }
            if case .event = testCase.expected { expectedEvents += 1 }
        }
        #expect(decoded == expectedEvents)
        #expect(decoded + rejected.values.reduce(0, +) == 3000)
        #expect(Set(rejected.keys) == Set(EventDecodingError.Kind.allCases), "every kind of reason was generated")
    }

    /// A body of generated lines; the elements the decoder must yield for it, in order.
    static func body(_ random: inout SeededGenerator, lines: Int) throws -> (bytes: [UInt8], cases: [Case]) {
        let fixtures = try Fixtures.eventLines()
        let objects = try fixtureObjects()
        var bytes: [UInt8] = []
        var cases: [Case] = []
        for _ in 0..<lines {
            let testCase = try generate(&random, lines: fixtures, objects: objects)
            cases.append(testCase)
            bytes += testCase.line + (Bool.random(using: &random) ? [0x0D, 0x0A] : [0x0A])
        }
        return (bytes, cases)
    }

    static func checkStream(_ elements: [EventStreamElement], _ cases: [Case], _ comment: Comment) {
        #expect(elements.count == cases.count, comment)
        for (element, testCase) in zip(elements, cases) { check(element, against: testCase, comment) }
    }

    @Test func yieldsEachLineOnceWhereverTheBodyIsSplit() throws {
        var random = SeededGenerator(seed: Self.seed &+ 1)
        let (bytes, cases) = try Self.body(&random, lines: 10)
        for offset in 0...bytes.count {
            var decoder = JSONLineDecoder.events(maximumLineBytes: Self.bound)
            let elements = try decoder.append(bytes[..<offset]) + decoder.append(bytes[offset...]) + decoder.finish()
            Self.checkStream(elements, cases, "seed \(Self.seed &+ 1), split at byte \(offset)")
        }
    }

    @Test func yieldsEachLineOnceInRandomChunksWithoutAFinalNewline() throws {
        for round in 0..<200 {
            let seed = Self.seed &+ 2 &+ UInt64(round)
            var random = SeededGenerator(seed: seed)
            var (bytes, cases) = try Self.body(&random, lines: 40)
            while bytes.last == 0x0A || bytes.last == 0x0D { bytes.removeLast() }
            var decoder = JSONLineDecoder.events(maximumLineBytes: Self.bound)
            var elements: [EventStreamElement] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + Int.random(in: 1...700, using: &random))
                elements += try decoder.append(bytes[start..<end])
                start = end
            }
            elements += try decoder.finish()
            Self.checkStream(elements, cases, "seed \(seed)")
        }
    }

    @Test func theDefaultBoundIsOneMebibyte() throws {
        let head = #"{"Type":"container","Action":"start","Actor":{"ID":"c1","Attributes":{"padding":""#
        let tail = #""}},"timeNano":1000000000}"#
        let fits = Array((head + String(repeating: "x", count: (1 << 20) - head.utf8.count - tail.utf8.count) + tail).utf8)
        #expect(fits.count == 1 << 20)
        var decoder = JSONLineDecoder.events()
        let elements = try decoder.append(fits + [0x0A] + fits + [UInt8(ascii: "y"), 0x0A])
        #expect(elements.count == 2)
        guard case .event(let event) = elements.first else { Issue.record("a line of exactly 1 MiB was rejected"); return }
        #expect(event.attributes["padding"]?.count == fits.count - head.utf8.count - tail.utf8.count)
        guard case .malformed(let raw, let reason) = elements.last else { Issue.record("a line over 1 MiB was decoded"); return }
        #expect(reason == .oversized(byteCount: (1 << 20) + 1, limit: 1 << 20))
        #expect(raw.count == EventStreamElement.maximumKeptBytes)
    }
}
