// Target `playbook-regex`: the regular-expression budget every playbook pattern passes at parse time
// (Sources/Playbooks/RegexBudget.swift).
//
// Invariants: no pattern traps the reader (an index out of range, an unbalanced group), whatever its bytes.
@testable import Playbooks

@Sendable func fuzzPlaybookRegex(_ bytes: [UInt8]) {
    _ = RegexBudget.problem(String(decoding: bytes, as: UTF8.self))
}
