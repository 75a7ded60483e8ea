import BlackboxCore
import Foundation

/// A one-line progress bar on standard error, drawn only when standard error is a terminal and the file is large.
final class ProgressBar {
    /// Files smaller than this finish too fast for a bar to help, bytes.
    static let minimumBytes: Int64 = 8 << 20

    private let label: String
    private let enabled = isatty(STDERR_FILENO) == 1
    private var drawn = false

    init(label: String) {
        self.label = label
    }

    /// Redraws the bar at `read` of `total` bytes (no bar when the size is unknown).
    func update(_ read: Int64, of total: Int64?) {
        guard enabled, let total, total >= Self.minimumBytes else { return }
        let fraction = min(1, Double(read) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\r\(label) \(bar) \(Int(fraction * 100))% of \(Units.bytes(total))"
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    /// Ends the bar's line, if one was drawn.
    func finish() {
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
