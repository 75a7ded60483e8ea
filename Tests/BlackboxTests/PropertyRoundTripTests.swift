@testable import BlackboxStore
import DockerEngine
import Foundation
import PropertyBased
import Testing

/// Round trips over generated inputs (swift-property-based; a failure prints its seed for `.fixedSeed(…)`): a row
/// exported and imported again is the same row, and a time formats and parses back over the whole accepted range.
@Suite struct PropertyRoundTripTests {
    /// Text a container controls: letters, digits, punctuation, quotes, backslashes, control characters, non-ASCII.
    static let text = Gen.oneOf(
        Gen.letterOrNumber.string(of: 0...24).eraseToAnySequence(),
        Gen.unicodeScalar(in: "\u{0}"..."\u{2FF}").map { Character($0) }.string(of: 0...24).eraseToAnySequence(),
        Gen.element(of: ["", "\"", "\\", "\u{1b}[31m", "\n", "😀", "a\u{0}b", "{\"x\":1}"]).map { $0 ?? "" }.eraseToAnySequence()
    )

    static let kinds: [EventKind] = [.recorderStart, .recorderGap, .reconciledExit, .reconciledCreate, .rejectedLine, .hostFacts]

    @Test func anExportedRowImportsAsTheSameRow() async {
        let redactor = CredentialRedactor()
        await propertyCheck(count: 300, input: Self.record) { record in
            let line = ExportFormat.line(record)
            let decoded = try? ImportLine.decode(Array(line.utf8)[...], redactor: redactor)
            #expect(decoded == .event(record), "\(line)")
        }
    }

    @Test func anExportedSampleImportsAsTheSameSample() async {
        let counter = Gen.int64(in: 0...Int64.max)
        await propertyCheck(count: 300, input: Gen.int64(in: Timestamp.acceptedNanos), counter, Gen.double(in: 0...6400).optional, counter.optional) {
            nanos, bytes, cpu, kills in
            let sample = ResourceSample(
                containerID: "c1", timeNanos: nanos, cpuPercent: cpu, cpuPercentOfLimit: nil, cpuThrottledPeriods: bytes % 1000,
                memoryUsageBytes: bytes, memoryWorkingSetBytes: bytes / 2, memoryLimitBytes: bytes, pids: 3, networkRxBytes: bytes,
                networkTxBytes: 0, blockReadBytes: bytes / 3, blockWriteBytes: 1, oomKills: kills, ooms: kills, memoryLimitHits: nil)
            let line = ExportFormat.line(sample)
            let decoded = try? ImportLine.decode(Array(line.utf8)[...], redactor: CredentialRedactor())
            guard case .sample(let back)? = decoded else {
                Issue.record("not a sample: \(line)")
                return
            }
            #expect(
                [back.timeNanos, back.memoryUsageBytes, back.blockReadBytes, back.oomKills ?? -1] == [nanos, bytes, bytes / 3, kills ?? -1]
                    && back.cpuPercent == cpu, "\(line)")
        }
    }

    @Test func everyAcceptedTimeFormatsAndParsesBackToItsMillisecond() async {
        await propertyCheck(count: 2000, input: Gen.int64(in: Timestamp.acceptedNanos)) { nanos in
            let text = Timestamp.rfc3339(unixNanos: nanos)
            #expect(Timestamp.unixNanos(rfc3339: text) == nanos - nanos % 1_000_000, "\(nanos) → \(text)")
        }
    }

    @Test func everyInt64FormatsAndWhatParsesIsInTheFormattedMillisecond() async {
        await propertyCheck(count: 2000, input: Gen.int64()) { nanos in
            let text = Timestamp.rfc3339(unixNanos: nanos)
            #expect(text.count == 24 && text.hasSuffix("Z"), "\(nanos) → \(text)")
            if let parsed = Timestamp.unixNanos(rfc3339: text) {
                #expect(parsed <= nanos && nanos - parsed < 1_000_000, "\(nanos) → \(text) → \(parsed)")
            }
        }
    }

    @Test func aTimeWithNanosecondsAndAnOffsetParsesToTheSameInstant() async {
        await propertyCheck(count: 1000, input: Gen.int64(in: Timestamp.acceptedNanos), Gen.int(in: -14 * 60...14 * 60)) { nanos, offsetMinutes in
            let local = nanos + Int64(offsetMinutes) * 60_000_000_000
            let utc = Timestamp.rfc3339(unixNanos: local)
            let sign = offsetMinutes < 0 ? "-" : "+"
            let offset = String(format: "%@%02d:%02d", sign, abs(offsetMinutes) / 60, abs(offsetMinutes) % 60)
            let text = utc.dropLast(5) + String(format: ".%09lld", ((local % 1_000_000_000) + 1_000_000_000) % 1_000_000_000) + offset
            guard Timestamp.acceptedNanos.contains(local) else { return }
            #expect(Timestamp.unixNanos(rfc3339: String(text)) == nanos, "\(text)")
        }
    }
}

extension PropertyRoundTripTests {
    /// A row of one of ``kinds`` at an accepted time, its columns from generated ``text``.
    static let record = zip(
        Gen.element(of: kinds).map { $0 ?? .recorderStart }, Gen.letterOrNumber.string(of: 1...16), text.array(of: 7),
        Gen.int(in: -1...255).optional, Gen.int64(in: Timestamp.acceptedNanos)
    ).map { kind, key, texts, code, nanos in
        EventRecord(
            timeNanos: nanos, kind: kind, type: texts[0].isEmpty ? nil : texts[0], action: texts[1], actorID: texts[2],
            containerID: texts[3], containerName: texts[4], image: texts[5], composeProject: nil, composeService: nil,
            exitCode: code, signal: nil, deduplicationKey: "prop|\(key)", payload: "{\"n\":\(nanos % 1000),\"note\":\(quoted(texts[6]))}")
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
