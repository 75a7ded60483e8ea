// Target `time`: the time and duration parsers of `--since`/`--until`/`--resolve-after` and the store's range check
// (Sources/DockerEngine/Timestamp.swift), on the input as text and, when it has 8 bytes, as an Int64 of nanoseconds.
//
// Invariants: no input traps; every Int64 formats; an RFC 3339 text that parses formats to a text that parses to the
// same millisecond; a parsed duration is positive-or-zero and at most 100 years.
@testable import DockerEngine
import Foundation

@Sendable func fuzzTime(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    if let nanos = Timestamp.unixNanos(rfc3339: text) {
        let formatted = Timestamp.rfc3339(unixNanos: nanos)
        if let again = Timestamp.unixNanos(rfc3339: formatted) {
            let millisecond = nanos - ((nanos % 1_000_000) + 1_000_000) % 1_000_000
            precondition(again == millisecond, "\(text) → \(formatted) → \(again)")
        }
    }
    if let duration = Timestamp.durationNanos(text) {
        precondition(duration >= 0 && Double(duration) <= Timestamp.maximumNanos, "duration \(text) → \(duration)")
    }
    if bytes.count >= 8 {
        let nanos = bytes.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
        let formatted = Timestamp.rfc3339(unixNanos: nanos)
        if Timestamp.rejection(unixNanos: nanos) == nil {
            precondition(Timestamp.unixNanos(rfc3339: formatted) != nil, "\(nanos) formats to \(formatted), which parses")
        }
    }
}
