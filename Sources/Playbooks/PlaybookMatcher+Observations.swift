import BlackboxCore
import BlackboxStore

extension PlaybookMatcher {
    /// The recorder's observations of kind `kind` (`events.kind`: `kernel_oom`, `start_failure`, …) in the
    /// incident's window, oldest first: facts the engine does not send as events.
    static func observations(_ kind: String, _ context: IncidentContext) -> [EventRecord] {
        context.events.filter { $0.kind.rawValue == kind }
    }

    /// The `observation` evidence: the value at `field` (a path into the payload, `oom_kills_after`) of the last
    /// observation of `kind` in the window, nil when there is none or it has no such field; without a field, how
    /// many observations of `kind` the window holds.
    static func observationEvidence(_ kind: String, field: String?, _ context: IncidentContext) -> JSONValue? {
        let found = observations(kind, context)
        guard let field else { return .number(Double(found.count)) }
        return found.last.flatMap { JSONValue.parse($0.payload) }?[path: field]
    }
}
