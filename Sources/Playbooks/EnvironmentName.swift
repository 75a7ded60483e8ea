import BlackboxCore
/// The variable names of a container's environment (`Config.Env`), and which of them a program probably meant.
///
/// Only names are read, never values: the store keeps `NAME=<redacted:…>`, and nothing here may print a value. Pure.
public enum EnvironmentName {
    /// The names of the snapshot's `Config.Env` entries (`NAME=value` → `NAME`), in their order.
    public static func names(in inspect: JSONValue?) -> [String] {
        guard case .array(let entries)? = inspect?[path: "Config.Env"] else { return [] }
        return entries.compactMap { entry in
            guard let text = entry.stringValue, let name = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first,
                !name.isEmpty
            else { return nil }
            return String(name)
        }
    }

    /// The name of `names` that is most likely a misspelling of `wanted`: not `wanted` itself, and at most
    /// ``EditDistance/typoBudget(length:)`` edits from it, case ignored (`Postgres_Password` is a misspelling of
    /// `POSTGRES_PASSWORD` too: the environment is case-sensitive). The closest wins, the first on a tie. Nil when
    /// `wanted` is among `names` (the program's complaint is then about its value, not its name) or none is that close.
    public static func misspelling(of wanted: String, in names: [String]) -> String? {
        guard !wanted.isEmpty, !names.contains(wanted) else { return nil }
        let target = wanted.uppercased()
        let budget = EditDistance.typoBudget(length: target.count)
        var best: (distance: Int, name: String)?
        for name in names where abs(name.count - target.count) <= budget {
            let distance = EditDistance.between(name.uppercased(), target)
            if distance <= budget, distance < best?.distance ?? Int.max { best = (distance, name) }
        }
        return best?.name
    }
}
