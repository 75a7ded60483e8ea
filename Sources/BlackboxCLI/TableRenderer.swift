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
