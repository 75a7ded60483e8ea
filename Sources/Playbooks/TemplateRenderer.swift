import Foundation

/// Fills `{{name}}` and `{{name|filter}}` in diagnosis and fix texts with evidence values.
///
/// Filters: `bytes` (`12.3MiB`), `mib` (a whole number of MiB, for `--memory 300m`), `percent` (a ratio as `93 %`),
/// `duration` (nanoseconds as `2m30s`), `list` (an array joined by `, `). A value that is missing renders as `unknown`.
public enum TemplateRenderer {
    /// Values every playbook may use without declaring them as evidence.
    public static let builtins: Set<String> = [
        "container", "image", "compose_project", "compose_service", "exit_code", "exit_meaning", "signal_name", "occurrences",
        "trigger", "first_seen", "last_seen", "restart_policy", "user", "state_error",
    ]
    public static let filters: Set<String> = ["bytes", "mib", "percent", "duration", "list"]

    private static let placeholder = try! NSRegularExpression(pattern: #"\{\{\s*([a-zA-Z0-9_]+)\s*(?:\|\s*([a-z]+)\s*)?\}\}"#)

    /// What is wrong with the template's placeholders, given the names it may use.
    static func problems(in template: String, names: Set<String>) -> [String] {
        let wellFormed = placeholder.numberOfMatches(in: template, range: NSRange(template.startIndex..., in: template))
        let opened = template.components(separatedBy: "{{").count - 1
        let malformed = opened > wellFormed ? ["a placeholder is malformed: write {{name}} or {{name|filter}} (\(opened - wellFormed) of \(opened) are not)"] : []
        return malformed + placeholders(in: template).compactMap { name, filter in
            if !names.contains(name) { return "unknown value '{{\(name)}}': declare it under evidence or use a built-in (\(builtins.sorted().joined(separator: ", ")))" }
            if let filter, !filters.contains(filter) { return "unknown filter '|\(filter)': use \(filters.sorted().joined(separator: ", "))" }
            return nil
        }
    }

    /// The template with every placeholder replaced.
    public static func render(_ template: String, values: [String: JSONValue]) -> String {
        var result = ""
        var last = template.startIndex
        let range = NSRange(template.startIndex..., in: template)
        for match in placeholder.matches(in: template, range: range) {
            guard let whole = Range(match.range, in: template), let nameRange = Range(match.range(at: 1), in: template) else { continue }
            let filter = Range(match.range(at: 2), in: template).map { String(template[$0]) }
            result += template[last..<whole.lowerBound]
            result += format(values[String(template[nameRange])], filter: filter)
            last = whole.upperBound
        }
        result += template[last...]
        return result
    }

    private static func placeholders(in template: String) -> [(String, String?)] {
        let range = NSRange(template.startIndex..., in: template)
        return placeholder.matches(in: template, range: range).compactMap { match in
            guard let name = Range(match.range(at: 1), in: template) else { return nil }
            return (String(template[name]), Range(match.range(at: 2), in: template).map { String(template[$0]) })
        }
    }

    /// One value as text, through a filter.
    public static func format(_ value: JSONValue?, filter: String?) -> String {
        guard let value, value != .null else { return "unknown" }
        switch filter {
        case "bytes":
            return value.numberValue.map { bytes($0) } ?? value.description
        case "mib":
            return value.numberValue.map { String(Int64(($0 / 1_048_576).rounded(.up))) } ?? value.description
        case "percent":
            return value.numberValue.map { String(format: "%.0f %%", $0 * 100) } ?? value.description
        case "duration":
            return value.numberValue.map { duration(nanos: $0) } ?? value.description
        case "list":
            if case .array(let items) = value { return items.map(\.description).joined(separator: ", ") }
            return value.description
        default:
            if case .array(let items) = value { return items.map(\.description).joined(separator: ", ") }
            return value.description
        }
    }

    /// Bytes as `docker stats` prints them: `16.5MiB`, `232MiB`, `1.95GiB`, `512B`.
    public static func bytes(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var amount = value
        var index = 0
        while abs(amount) >= 1024, index < units.count - 1 {
            amount /= 1024
            index += 1
        }
        return index == 0 ? "\(Int64(value))B" : String(format: amount >= 100 ? "%.0f" : "%.3g", amount) + units[index]
    }

    /// `2m30s`, `450ms`, `3h0m`.
    public static func duration(nanos: Double) -> String {
        let seconds = nanos / 1e9
        if seconds < 1 { return String(format: "%.0fms", seconds * 1000) }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds)
        if whole < 3600 { return "\(whole / 60)m\(whole % 60)s" }
        return "\(whole / 3600)h\(whole % 3600 / 60)m"
    }
}
