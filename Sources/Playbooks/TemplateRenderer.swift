import BlackboxCore
import Foundation

/// Fills `{{name}}` and `{{name|filter}}` in diagnosis and fix texts with evidence values (see ``Template`` for sections).
///
/// Filters: `bytes` (`12.3MiB`), `mib` (a whole number of MiB, for `--memory 300m`), `percent` (a ratio as `93 %`),
/// `duration` (nanoseconds as `2m30s`), `list` (an array joined by `, `). A value that is missing renders as `unknown`:
/// built-in playbooks guard every value that can be missing with a section, so that word never appears in their text.
public enum TemplateRenderer {
    /// Values every playbook may use without declaring them as evidence.
    public static let builtins = Set(BuiltinValue.allCases.map(\.rawValue))
    /// Built-ins every incident has, so a command may use them without a section.
    public static let alwaysPresent = Set(BuiltinValue.allCases.filter(\.isAlwaysPresent).map(\.rawValue))
    public static let filters: Set<String> = ["bytes", "mib", "percent", "duration", "list"]

    /// What is wrong with the template (errors), given the names it may use.
    static func problems(in template: String, names: Set<String>) -> [String] {
        let parsed: Template
        do {
            parsed = try Template(template)
        } catch {
            return ["\(error)"]
        }
        var problems: [String] = []
        for (name, filter) in parsed.names {
            if !names.contains(name) {
                let problem = "unknown value '{{\(name)}}': declare it under evidence or use a built-in (\(builtins.sorted().joined(separator: ", ")))"
                if !problems.contains(problem) { problems.append(problem) }
            } else if let filter, !filters.contains(filter) {
                problems.append("unknown filter '|\(filter)': use \(filters.sorted().joined(separator: ", "))")
            }
        }
        return problems
    }

    /// Warnings about a well-formed template: commands (text in backticks) that would be printed with a value missing.
    static func warnings(in template: String) -> [String] {
        guard let parsed = try? Template(template) else { return [] }
        return parsed.commandProblems(always: alwaysPresent).map { name in
            "a command uses {{\(name)}}, which can be missing: put the command inside {{#\(name)}}…{{/\(name)}} and say in {{^\(name)}}…{{/\(name)}} how to find the value"
        }
    }

    /// The template with every placeholder replaced and every section decided.
    public static func render(_ template: String, values: [String: JSONValue]) -> String {
        guard let parsed = try? Template(template) else { return template }
        return render(parsed, values: values)
    }

    /// A parsed template with every placeholder replaced and every section decided.
    public static func render(_ template: Template, values: [String: JSONValue]) -> String {
        template.render(values, format: format)
    }

    /// One value as text, through a filter.
    public static func format(_ value: JSONValue?, filter: String?) -> String {
        guard let value, value != .null else { return "unknown" }
        switch filter {
        case "bytes":
            return value.numberValue.map { Units.bytes($0) } ?? value.description
        case "mib":
            return value.numberValue.map { String(Units.mebibytesRoundedUp($0)) } ?? value.description
        case "percent":
            return value.numberValue.map { String(format: "%.0f %%", $0 * 100) } ?? value.description
        case "duration":
            return value.numberValue.map { Units.span(nanos: $0) } ?? value.description
        case "list":
            if case .array(let items) = value { return items.map(\.description).joined(separator: ", ") }
            return value.description
        default:
            if case .array(let items) = value { return items.map(\.description).joined(separator: ", ") }
            return value.description
        }
    }
}
