import Playbooks

/// Aligned columns like the docker CLI: upper-case headers, columns separated by three spaces.
enum TableRenderer {
    static func render(headers: [String], rows: [[String]]) -> String {
        let widths = widths(headers: headers, rows: rows)
        return ([line(headers, widths: widths)] + rows.map { line($0, widths: widths) }).joined(separator: "\n")
    }

    /// Each column's width: its longest cell, header included.
    static func widths(headers: [String], rows: [[String]]) -> [Int] {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        return widths
    }

    /// One line: each cell but the last padded to its column's width plus three spaces (a longer cell is not cut).
    static func line(_ cells: [String], widths: [Int]) -> String {
        var text = ""
        for (index, cell) in cells.enumerated() {
            let isLast = index == cells.count - 1
            let width = index < widths.count ? widths[index] : cell.count
            text += isLast ? cell : cell + String(repeating: " ", count: max(0, width - cell.count) + 3)
        }
        return text
    }
}

/// Human units as `docker stats` prints them.
enum Units {
    /// `12.3MiB`, `1.95GiB`, `512B`.
    static func bytes(_ value: Int64) -> String {
        TemplateRenderer.bytes(Double(value))
    }

    /// `12.34%`, or `-` when unknown.
    static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.2f%%", $0) } ?? "-"
    }

    /// `3 seconds`, `5 minutes`, `2 hours`, `4 days`: the time from `nanos` to `now`.
    static func duration(_ nanos: Int64, now: Int64) -> String {
        let seconds = max(0, (now - nanos) / 1_000_000_000)
        let (amount, unit): (Int64, String) =
            switch seconds {
            case ..<60: (seconds, "second")
            case ..<3600: (seconds / 60, "minute")
            case ..<86_400: (seconds / 3600, "hour")
            default: (seconds / 86_400, "day")
            }
        return "\(amount) \(unit)\(amount == 1 ? "" : "s")"
    }

    /// A length of time, `nanos` long: `850ms`, `12.4s`, `3m12s`, `2h05m`, `3d04h`.
    static func span(_ nanos: Int64) -> String {
        let seconds = Double(max(0, nanos)) / 1e9
        let whole = Int64(seconds)
        switch whole {
        case ..<1: return String(format: "%.0fms", seconds * 1000)
        case ..<60: return String(format: "%.1fs", seconds)
        case ..<3600: return String(format: "%dm%02ds", whole / 60, whole % 60)
        case ..<86_400: return String(format: "%dh%02dm", whole / 3600, whole % 3600 / 60)
        default: return String(format: "%dd%02dh", whole / 86_400, whole % 86_400 / 3600)
        }
    }

    /// `5 minutes ago`.
    static func ago(_ nanos: Int64, now: Int64) -> String {
        duration(nanos, now: now) + " ago"
    }
}
