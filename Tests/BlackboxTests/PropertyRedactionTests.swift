import BlackboxStore
import DockerEngine
import Foundation
import PropertyBased
import Testing

/// Redaction over generated secrets (swift-property-based): every secret of the checked-in corpus
/// (`Fixtures/redaction/secrets.jsonl`: environment assignments, labels, command arguments, `docker exec` commands, log
/// lines, log tails and export lines, the positions redaction supports) is replaced by a generated value of the same
/// shape (``reshaped(_:_:)``) and the line goes through the
/// path it takes in the recorder or `import`. The generated secret never survives, and redacting the result again
/// changes nothing.
@Suite struct PropertyRedactionTests {
    private let corpus = RedactionCorpusTests()

    /// `secret` with its letters and digits replaced from `noise`: same length, same classes (lower case, upper case,
    /// digit), same punctuation; a token's kind prefix is kept (its first 4 characters and through its last `_` or `-`
    /// within the first 8: `ghp_`, `sk_live_`, `xoxb-`, `AKIA`), as the recognisers of those kinds need it.
    static func reshaped(_ secret: String, _ noise: [UInt8]) -> String {
        let characters = Array(secret)
        let separator = characters.prefix(8).lastIndex { $0 == "_" || $0 == "-" } ?? -1
        let kept = max(4, separator + 1)
        let lower = Array("abcdefghijklmnopqrstuvwxyz"), upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), digits = Array("0123456789")
        return String(characters.enumerated().map { index, character in
            guard index >= kept, character.isASCII else { return character }
            let byte = Int(noise[index % noise.count]) &+ index
            if character.isLowercase { return lower[byte % lower.count] }
            if character.isUppercase { return upper[byte % upper.count] }
            if character.isNumber { return digits[byte % digits.count] }
            return character
        })
    }

    private func substituted(_ item: RedactionCorpusTests.Case, _ noise: [UInt8]) -> (RedactionCorpusTests.Case, [String]) {
        var item = item
        var secrets: [String] = []
        for (number, secret) in (item.secrets ?? []).enumerated() {
            let generated = Self.reshaped(secret, noise.map { $0 &+ UInt8(truncatingIfNeeded: number * 31) })
            secrets.append(generated)
            item.input = item.input?.replacingOccurrences(of: secret, with: generated)
            item.args = item.args?.map { $0.replacingOccurrences(of: secret, with: generated) }
            item.lines = item.lines?.map { $0.replacingOccurrences(of: secret, with: generated) }
        }
        return (item, secrets)
    }

    private static func texts(_ expected: RedactionCorpusTests.Case.Expected) -> [String] {
        switch expected {
        case .text(let text): [text]
        case .list(let list): list
        }
    }

    @Test func aGeneratedSecretInAnySupportedPositionNeverSurvives() async throws {
        let cases = try RedactionCorpusTests.corpus("secrets.jsonl").filter { !($0.secrets ?? []).isEmpty }
        #expect(cases.count >= 50)
        await propertyCheck(count: 40, input: Gen<UInt8>.value(in: 0...255).array(of: 16)) { noise in
            for original in cases {
                let (item, secrets) = substituted(original, noise)
                let output: RedactionCorpusTests.Case.Expected
                do {
                    output = try corpus.redacted(item)
                } catch {
                    Issue.record("\(item.where): \(error) for \(item.input ?? "")")
                    continue
                }
                for text in Self.texts(output) {
                    for secret in secrets where secret.count >= 4 {
                        #expect(!text.contains(secret), "\(item.where): \(secret) survives in \(text)")
                    }
                }
            }
        }
    }

    @Test func redactingTwiceIsRedactingOnce() async throws {
        let redactor = CredentialRedactor()
        let cases = try RedactionCorpusTests.corpus("secrets.jsonl")
        await propertyCheck(count: 40, input: Gen<UInt8>.value(in: 0...255).array(of: 16)) { noise in
            for original in cases {
                let (item, _) = substituted(original, noise)
                let input = item.input ?? ""
                switch item.where {
                case "env":
                    let once = redactor.redactAssignment(input)
                    #expect(redactor.redactAssignment(once) == once, "\(input)")
                case "command":
                    let once = redactor.redact(arguments: item.args ?? [])
                    #expect(redactor.redact(arguments: once) == once, "\(once)")
                case "log":
                    let once = redactor.redact(input, in: .prose).text
                    #expect(redactor.redact(once, in: .prose).text == once, "\(input)")
                case "export":
                    guard case .event(let record)? = try? ImportLine.decode(Array(input.utf8)[...], redactor: redactor) else {
                        Issue.record("not an event line: \(input)")
                        continue
                    }
                    #expect(redactor.redact(record) == record, "\(input)")
                default:
                    let once = try? corpus.redacted(item)
                    #expect(once != nil)
                }
            }
        }
    }
}
