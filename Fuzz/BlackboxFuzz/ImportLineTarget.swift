// Target `import-line`: one line of a file given to `blackbox import`, either format, decoded into its row the way
// StoreImporter does (Sources/BlackboxStore/ImportLine.swift, JSONMembers.swift, CredentialRedactor+Record.swift).
//
// Invariants: no input traps; a decoded event or sample has a time in Timestamp.acceptedNanos; a decoded row redacts
// to itself (it was redacted on the way in: importing an export of it stores the same row); the JSON member reader
// either reads a number as an Int64 or refuses it.
@testable import BlackboxStore
@testable import DockerEngine

private let redactor = CredentialRedactor()

@Sendable func fuzzImportLine(_ bytes: [UInt8]) {
    if let members = try? JSONMembers(bytes[...]) {
        for key in ["ts_ns", "event", "sample", "payload", "dedup_key", "blackbox_export"] {
            guard let value = members[key] else { continue }
            if let nanos = value.int64 { _ = Timestamp.rejection(unixNanos: nanos) }
            if case .composite(let inner) = value { _ = try? JSONMembers(inner) }
        }
    }
    guard let line = try? ImportLine.decode(bytes[...], redactor: redactor) else { return }
    switch line {
    case .header: break
    case .event(let record):
        precondition(Timestamp.acceptedNanos.contains(record.timeNanos), "event time \(record.timeNanos) accepted")
        precondition(redactor.redact(record) == record, "an imported row redacts to itself")
    case .sample(let sample):
        precondition(Timestamp.acceptedNanos.contains(sample.timeNanos), "sample time \(sample.timeNanos) accepted")
    }
}
