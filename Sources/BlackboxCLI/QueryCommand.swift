import ArgumentParser
import BlackboxCore
import BlackboxStore
import DockerEngine
import Foundation

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one read-only SQL statement over the recorded history.",
        discussion: """
            The views v_events, v_container_runs, v_samples, v_incidents and v_playbook_matches are the stable \
            interface, documented with every column, its unit and its source in docs/sql.md. The store is opened \
            read-only and ATTACH is disabled: no statement can change it or reach another file. Rows are printed \
            as they are read (a table is aligned over its first 1000 rows); sorting and grouping use at most 256 MiB \
            of memory and no temporary file.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
    }

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("One SQL statement, e.g. \"SELECT * FROM v_container_runs WHERE oom_killed\".", valueName: "sql"))
    var sql: String

    @Option(help: ArgumentHelp("table (aligned columns), csv (RFC 4180 with a header line) or json (an array of objects).", valueName: "format"))
    var format: Format = .table

    @Option(help: ArgumentHelp("Stop the query after this long: a duration (30s, 2m) or seconds, more than 0 and at most 100 years.", valueName: "duration"))
    var timeout = TimeoutArgument(argument: "30s")!

    /// Rows a table is aligned over: the first ones are held back until their widths are known, the rest are printed as
    /// they come in those widths (a longer cell pushes the rest of its line right).
    static let tablePreviewRows = 1000

    func run() throws {
        ReadOnlyQuery.limitWorkingMemory()
        let query = try ReadOnlyQuery(path: store.resolvedPath)
        var output = QueryOutput(format: format)
        do {
            try query.run(sql, timeout: timeout.seconds, columns: { output.begin($0) }, row: { output.add($0) })
        } catch let error as QueryError {
            output.end()
            throw CLIError(error.localizedDescription)
        }
        output.end()
    }

    /// Rows written as they are read: csv and json at once, a table after its first ``tablePreviewRows`` rows.
    struct QueryOutput {
        let format: Format
        private var columns: [String] = []
        private var keys: [String] = []
        private var preview: [[String]] = []
        private var widths: [Int]?
        private var rows = 0

        init(format: Format) { self.format = format }

        mutating func begin(_ columns: [String]) {
            self.columns = columns
            keys = QueryCommand.uniqueKeys(columns)
            if format == .csv { Swift.print(columns.map(QueryCommand.csvField).joined(separator: ","), terminator: "\r\n") }
        }

        mutating func add(_ row: [QueryValue]) {
            rows += 1
            switch format {
            case .csv:
                Swift.print(row.map { QueryCommand.csvField(QueryCommand.text($0)) }.joined(separator: ","), terminator: "\r\n")
            case .json:
                let line = JSONOutput.line(JSONValue.object(Dictionary(uniqueKeysWithValues: zip(keys, row.map(QueryCommand.json)))))
                Swift.print((rows == 1 ? "[\n" : ",\n") + line, terminator: "")
            case .table:
                let cells = row.map { TerminalText.sanitized(QueryCommand.text($0)) }
                if let widths {
                    Swift.print(TableRenderer.line(cells, widths: widths))
                } else {
                    preview.append(cells)
                    if preview.count >= QueryCommand.tablePreviewRows { flushPreview() }
                }
            }
        }

        /// Writes what is held back and closes the output (the JSON array).
        mutating func end() {
            switch format {
            case .csv: break
            case .json: Swift.print(rows == 0 ? "[]" : "\n]")
            case .table: if widths == nil { flushPreview() }
            }
        }

        private mutating func flushPreview() {
            let headers = columns.map(TerminalText.sanitized)
            let widths = TableRenderer.widths(headers: headers, rows: preview)
            Swift.print(TableRenderer.line(headers, widths: widths))
            for cells in preview { Swift.print(TableRenderer.line(cells, widths: widths)) }
            preview = []
            self.widths = widths
        }
    }

    /// A value as text: NULL is empty, a blob is `<N bytes>`.
    static func text(_ value: QueryValue) -> String {
        switch value {
        case .null: ""
        case .integer(let number): String(number)
        case .real(let number): String(number)
        case .text(let text): text
        case .blob(let data): "<\(data.count) bytes>"
        }
    }

    /// Column names as JSON keys: a name that comes again gets `_2`, `_3`, … (`SELECT 1 AS a, 2 AS a` → `a`, `a_2`).
    static func uniqueKeys(_ columns: [String]) -> [String] {
        var seen: Set<String> = []
        return columns.map { name in
            var key = name
            var number = 1
            while !seen.insert(key).inserted {
                number += 1
                key = "\(name)_\(number)"
            }
            return key
        }
    }

    /// A value for JSON: NULL is null, a blob is base64 text, a real that JSON cannot hold is `"Infinity"`,
    /// `"-Infinity"` or `"NaN"`.
    static func json(_ value: QueryValue) -> JSONValue {
        switch value {
        case .null: .null
        case .integer(let number): .integer(number)
        case .real(let number) where number.isNaN: .string("NaN")
        case .real(let number) where number.isInfinite: .string(number > 0 ? "Infinity" : "-Infinity")
        case .real(let number): .number(number)
        case .text(let text): .string(text)
        case .blob(let data): .string(data.base64EncodedString())
        }
    }

    /// RFC 4180: a field holding a comma, quote or line break is quoted, its quotes doubled.
    static func csvField(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
