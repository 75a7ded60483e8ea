import BlackboxCore
import Foundation

/// The size bound of the files `check` reads (compose files, `.env`, `env_file`), checked before reading.
enum ComposeFileSize {
    /// - Throws: ``ComposeProblem`` naming the file when it is not a regular file (a directory, a device, a pipe) or is
    ///   larger than `maximumBytes`.
    static func check(_ path: String, shownAs shown: String, maximumBytes: Int) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw ComposeProblem("\(shown) is not a regular file", at: ComposeLocation(file: shown, line: 0))
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maximumBytes else {
            throw ComposeProblem(
                "\(shown) is \(size) bytes, over the \(Units.bytes(Int64(maximumBytes))) blackbox reads of such a file", at: ComposeLocation(file: shown, line: 0))
        }
    }
}
