// libFuzzer target: the import path's JSON member reader (Sources/BlackboxStore/JSONMembers.swift) and the time
// checks every imported line goes through (Sources/DockerEngine/Timestamp.swift). Built by scripts/fuzz.
//
// Invariants: no input traps; a member's number either reads as an Int64 or is refused; every accepted time is in
// Timestamp.acceptedNanos; a timestamp formats without trapping and an RFC 3339 text that parses formats again to a
// text that parses to the same millisecond.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImportLine(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    if let members = try? JSONMembers(bytes[...]) {
        for key in ["ts_ns", "event", "sample", "payload", "dedup_key", "blackbox_export"] {
            guard let value = members[key] else { continue }
            if let nanos = value.int64 {
                if Timestamp.rejection(unixNanos: nanos) == nil { precondition(Timestamp.acceptedNanos.contains(nanos)) }
                _ = Timestamp.rfc3339(unixNanos: nanos)
            }
            if case .composite(let inner) = value { _ = try? JSONMembers(inner) }
        }
    }
    let text = String(decoding: bytes, as: UTF8.self)
    if let nanos = Timestamp.unixNanos(rfc3339: text) {
        let formatted = Timestamp.rfc3339(unixNanos: nanos)
        if let again = Timestamp.unixNanos(rfc3339: formatted) {
            precondition(again == nanos - ((nanos % 1_000_000) + 1_000_000) % 1_000_000, "\(text) → \(formatted)")
        }
    }
    _ = Timestamp.durationNanos(text)
    return 0
}
