import BlackboxStore
import Foundation
import Testing

/// A redacted value keeps its shape: quotes, white space, a length class, placeholder or not, its token format; and
/// ``RedactedValue`` reads every marker back.
@Suite struct RedactionShapeTests {
    let redactor = CredentialRedactor()

    /// Values as an application may receive them, malformed ones first.
    static let values = [
        #""hunter2""#, "'hunter2'", #""hunter2"#, #"hunter2""#, "hunter2 ", " hunter2", "hunter2\n", "\thunter2\r\n", #"" hunter2 ""#, "a",
        "1234567", "12345678", String(repeating: "k", count: 15), String(repeating: "k", count: 16), String(repeating: "k", count: 31),
        String(repeating: "k", count: 32), String(repeating: "k", count: 63), String(repeating: "k", count: 64), String(repeating: "k", count: 500),
        "changeme", #""changeme""#, "your-api-key", "YOUR_TOKEN_HERE", "xxx", "*****", "<secret>", "${DB_PASSWORD}", "$DB_PASSWORD", "{{ .Token }}",
        "correct horse battery staple", "pässwörd-ünïcode",
    ]

    @Test func everyShapeIsRecoverableFromTheMarker() throws {
        for value in Self.values {
            let stored = try #require(redactor.redactAssignment("DB_PASSWORD=\(value)").split(separator: "=", maxSplits: 1).last.map(String.init))
            #expect(!stored.contains("hunter2") && !stored.contains("kkkkkkk") && !stored.contains("horse"), "\(stored)")
            let shape = try #require(RedactedValue(parsing: stored), "no marker in \(stored)")
            let core = value.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(shape.openingQuote == value.trimmingCharacters(in: .whitespacesAndNewlines).first.flatMap { $0 == "\"" || $0 == "'" ? $0 : nil })
            #expect(shape.closingQuote == value.trimmingCharacters(in: .whitespacesAndNewlines).last.flatMap { $0 == "\"" || $0 == "'" ? $0 : nil })
            #expect(shape.hasLeadingWhitespace == (value.first?.isWhitespace == true || value.dropFirst().first?.isWhitespace == true && value.first == "\""))
            #expect(shape.hasTrailingWhitespace == (value.last?.isWhitespace == true || value.dropLast().last?.isWhitespace == true && value.last == "\""))
            #expect(shape.length == RedactedValue.Length(count: core.count), "\(value): \(stored)")
            #expect(shape.placeholder == RedactedValue.isPlaceholder(core), "\(value): \(stored)")
            #expect(shape.text == stored)
            #expect(RedactedValue(secret: value) == shape)
            // The literal parts are exactly what surrounded the secret.
            #expect(value.hasPrefix(shape.leading) && value.hasSuffix(shape.trailing))
        }
    }

    @Test func aQuotedEnvValueStartsAndEndsWithALiteralQuote() throws {
        let stored = redactor.redactAssignment(#"DB_PASSWORD="hunter2""#)
        #expect(stored == #"DB_PASSWORD="<redacted:1-7>""#)
        let shape = try #require(RedactedValue(parsing: String(stored.dropFirst("DB_PASSWORD=".count))))
        #expect(shape.openingQuote == "\"" && shape.closingQuote == "\"")
        #expect(shape == RedactedValue(leading: "\"", trailing: "\"", length: .upTo7))
    }

    @Test func emptyValuesStayAsTheyAre() {
        for value in ["", #""""#, "''", "  ", "\"  \""] {
            #expect(redactor.redactAssignment("DB_PASSWORD=\(value)") == "DB_PASSWORD=\(value)")
            #expect(RedactedValue(parsing: value) == nil)
        }
    }

    @Test func tokenFormatsAreNamedInTheMarker() throws {
        let tokens: [(String, RedactedValue.Kind)] = [
            ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl", .jwt), ("AKIA" + "Q3EGRXZ7EXAMPLE7", .awsAccessKeyID),
            ("ghp_" + String(repeating: "a1", count: 18), .githubToken), ("xoxp-" + "1234567890-abcdef", .slackToken),
            ("glpat-" + "x1Y2z3A4b5C6d7E8f9G0", .gitlabToken), ("AIza" + String(repeating: "b", count: 35), .googleAPIKey),
            ("sk_live_" + String(repeating: "c3", count: 12), .stripeKey), ("npm_" + String(repeating: "d4", count: 18), .npmToken),
        ]
        for (token, kind) in tokens {
            let line = redactor.redact("sent \(token) upstream", in: .prose).text
            let marker = try #require(line.split(separator: " ").dropFirst().first.map(String.init))
            let shape = try #require(RedactedValue(parsing: marker), "\(line)")
            #expect(shape.kind == kind, "\(line)")
            #expect(shape.length == RedactedValue.Length(count: token.count))
            #expect(line == "sent \(shape.marker) upstream")
        }
        let key = redactor.redactAssignment("KEY=-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oYBvSbZ2nnIkoAoGCCqGSM49\n-----END EC PRIVATE KEY-----")
        #expect(key == "KEY=<redacted:64+>")
        let block = redactor.redact("got -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oYBvSbZ2nnIkoAoGCCqGSM49\n-----END EC PRIVATE KEY----- ok", in: .prose).text
        #expect(block == "got -----BEGIN EC PRIVATE KEY-----\n<redacted:64+,private-key>\n-----END EC PRIVATE KEY----- ok")
    }

    @Test func everyMarkerParsesAndNothingElseDoes() {
        for length in RedactedValue.Length.allCases {
            for placeholder in [false, true] {
                for kind in [nil] + RedactedValue.Kind.allCases.map(Optional.some) {
                    let shape = RedactedValue(length: length, placeholder: placeholder, kind: kind)
                    #expect(RedactedValue(parsing: shape.marker) == shape, "\(shape.marker)")
                    #expect(RedactedValue(parsing: "x=\"" + shape.marker + "\" ") == RedactedValue(leading: "x=\"", trailing: "\" ", length: length, placeholder: placeholder, kind: kind))
                }
            }
        }
        #expect(RedactedValue(parsing: "<redacted>") == RedactedValue(length: nil))
        for text in ["<redacted:9>", "<redacted:1-7,bogus>", "<redacted:>", "redacted", "<REDACTED>"] {
            #expect(RedactedValue(parsing: text) == nil, "\(text)")
        }
    }
}
