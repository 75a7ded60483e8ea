/// How many single-character edits turn one name into another, to tell a misspelt name from a different one. Pure.
public enum EditDistance {
    /// The optimal-string-alignment distance between `lhs` and `rhs`: the fewest insertions, deletions, substitutions
    /// and swaps of two adjacent characters (each one edit) that turn one into the other, no substring edited twice.
    /// `POSTGRES_PASSWROD` → `POSTGRES_PASSWORD` is 1 (a swap), `POSTGRES_PASSWD` → `POSTGRES_PASSWORD` is 2, and
    /// `DB_HOST` → `DB_PORT` is 2. Compares characters exactly (case counts).
    public static func between(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs), b = Array(rhs)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        // Three rows of the classic table: the one before the previous (for swaps), the previous and the current.
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { current[j] = min(current[j], before[j - 2] + 1) }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }

    /// The most edits a misspelling of a name of `length` characters is allowed: 1 up to 9 characters, 2 from 10. Short
    /// names two edits apart are usually different names (`PORT` and `HOST`, `DB_HOST` and `DB_PORT`); in a long one
    /// two edits are a typo (`POSTGRES_PASSWD`).
    public static func typoBudget(length: Int) -> Int { length >= 10 ? 2 : 1 }
}
