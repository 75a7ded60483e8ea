import BlackboxCore
extension PlaybookParser {
    /// The largest playbook file read, bytes (256 KiB; the shipped ones are under 4 KiB). Its regular expressions are
    /// bounded by ``RegexBudget``, its aliases by ``YAMLBounds``.
    public static let maximumBytes = 256 << 10
}
