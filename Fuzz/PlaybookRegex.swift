// libFuzzer target: the regular-expression budget every playbook pattern passes at parse time
// (Sources/Playbooks/RegexBudget.swift). Built by scripts/fuzz.
//
// Invariants: no pattern traps the reader (an index out of range, an unbalanced group), whatever its bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlaybookRegex(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    _ = RegexBudget.problem(text)
    return 0
}
