// Target `events-line`: the body of the Engine API's `/events` stream as the recorder reads it
// (Sources/DockerEngine/JSONLineDecoder.swift, LineFramer.swift, EngineEvent.swift), cut into chunks at the input's
// first byte (so lines split across reads are covered), then each event redacted as the recorder stores it.
//
// Invariants: no input traps and the decoder never throws; a decoded event keeps the line it came from (`raw`) and
// decodes again from it to the same event; a kept prefix of a rejected line is at most 64 KiB; redaction is idempotent.
@testable import BlackboxStore
@testable import DockerEngine

private let redactor = CredentialRedactor()

@Sendable func fuzzEventsLine(_ bytes: [UInt8]) {
    guard let first = bytes.first else { return }
    let chunkSize = Int(first % 64) + 1
    var decoder = JSONLineDecoder.events(maximumLineBytes: 4096)
    var elements: [EventStreamElement] = []
    var offset = 1
    do {
        while offset < bytes.count {
            let end = min(offset + chunkSize, bytes.count)
            elements += try decoder.append(bytes[offset..<end])
            offset = end
        }
        elements += try decoder.finish()
    } catch {
        preconditionFailure("the /events decoder threw \(error)")
    }
    for element in elements {
        switch element {
        case .event(let event):
            precondition((try? EngineEvent.decode(line: Array(event.raw.utf8))) == event, "an event decodes again from its raw line")
            let once = redactor.redact(event)
            precondition(redactor.redact(once) == once, "redacting an event twice is redacting it once")
        case .malformed(let raw, _):
            precondition(raw.count <= EventStreamElement.maximumKeptBytes)
        }
    }
}
