import Dispatch
import Foundation

/// Streams files of JSON lines (``ImportLine``: blackbox exports, `docker events --format '{{json .}}'`) into a store.
///
/// A file is read in 1 MiB chunks, never whole; each batch of lines is decoded concurrently, then written in one
/// transaction with prepared statements, the projections folded as it goes. A bad line is rejected with its
/// `file:line` and reason and the rest is imported (a line over ``maximumLineBytes`` too); a line already stored is
/// skipped, so importing twice stores once, and a line whose key is stored with other content is rejected as a conflict.
public struct StoreImporter: Sendable {
    /// A line that was not imported.
    public struct Rejection: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        /// 1-based.
        public var line: Int
        public var reason: String

        public var description: String { "\(file):\(line): \(reason)" }
    }

    /// A file that cannot be read at all.
    public struct Unreadable: Error, Sendable, LocalizedError {
        public var file: String
        public var reason: String

        public var errorDescription: String? { "cannot read \(file): \(reason)" }
    }

    public let store: EventStore
    /// Applied to every line, as the recorder applies it to what it writes: `docker events` lines and the rows of exports.
    public var redactor: CredentialRedactor
    /// Lines per transaction.
    public var batchSize: Int
    /// The longest line imported, bytes (without its line break): 1 MiB, the recorder's bound on an `/events` line.
    /// A longer line is rejected with its `file:line` and length; at most this much of it is ever held in memory.
    public var maximumLineBytes: Int

    public init(store: EventStore, redactor: CredentialRedactor = CredentialRedactor(), batchSize: Int = 8192, maximumLineBytes: Int = 1 << 20) {
        self.store = store
        self.redactor = redactor
        self.batchSize = batchSize
        self.maximumLineBytes = maximumLineBytes
    }

    /// Imports one file (`-` is standard input).
    ///
    /// - Parameter progress: called after each batch with the bytes read so far and the file's size (nil for a pipe).
    /// - Returns: what was stored, and every rejected line in order.
    /// - Throws: ``Unreadable`` when the file cannot be opened or read; ``StoreError/notWritable(path:reason:)`` when the
    ///   store cannot be written (the batches before it stay stored).
    public func importFile(_ path: String, progress: (_ bytesRead: Int64, _ totalBytes: Int64?) -> Void = { _, _ in }) throws -> (
        counts: ImportCounts, rejected: [Rejection]
    ) {
        let handle: FileHandle
        var totalBytes: Int64?
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let opened = FileHandle(forReadingAtPath: path) else {
                let exists = FileManager.default.fileExists(atPath: path)
                throw Unreadable(file: path, reason: exists ? "permission denied" : "no such file")
            }
            handle = opened
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            if attributes?[.type] as? FileAttributeType == .typeRegular { totalBytes = (attributes?[.size] as? NSNumber)?.int64Value }
        }
        defer { if path != "-" { try? handle.close() } }

        var counts = ImportCounts()
        var rejected: [Rejection] = []
        var pending: [UInt8] = []
        var batch: [(line: Int, bytes: ArraySlice<UInt8>)] = []
        var lineNumber = 0
        var bytesRead: Int64 = 0
        var stopped = false
        // The length so far of a line over the bound whose end has not been read yet (its bytes are dropped).
        var oversizedLength: Int?
        var oversized: [Rejection] = []

        func flush() throws {
            guard !batch.isEmpty || !oversized.isEmpty else { return }
            let (batchCounts, batchRejected, stop) = try write(batch, file: path)
            counts = counts + batchCounts
            rejected += (batchRejected + oversized).sorted { $0.line < $1.line }
            oversized.removeAll()
            stopped = stop
            batch.removeAll(keepingCapacity: true)
            progress(bytesRead, totalBytes)
        }

        func rejectOversized(_ length: Int) {
            oversized.append(
                Rejection(file: path, line: lineNumber, reason: "the line is \(length) bytes, over the \(maximumLineBytes)-byte bound (the recorder's)"))
        }

        func take(_ buffer: [UInt8], upTo end: Int) -> Int {
            var start = 0
            while start < end, let newline = Self.lineBreak(in: buffer, from: start, to: end) {
                lineNumber += 1
                var line = buffer[start..<newline]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                if let length = oversizedLength {
                    rejectOversized(length + line.count)
                    oversizedLength = nil
                } else if line.count > maximumLineBytes {
                    rejectOversized(line.count)
                } else if !line.isEmpty {
                    batch.append((lineNumber, line))
                }
                start = newline + 1
            }
            // A line without its end yet that is already over the bound: drop what is read of it, keep its length.
            if end - start > maximumLineBytes || oversizedLength != nil {
                oversizedLength = (oversizedLength ?? 0) + end - start
                return end
            }
            return start
        }

        while !stopped {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                throw Unreadable(file: path, reason: error.localizedDescription)
            }
            guard let chunk, !chunk.isEmpty else { break }
            bytesRead += Int64(chunk.count)
            pending.append(contentsOf: chunk)
            let consumed = take(pending, upTo: pending.count)
            pending.removeFirst(consumed)
            if batch.count >= batchSize { try flush() }
        }
        if !stopped, !pending.isEmpty || oversizedLength != nil {
            pending.append(UInt8(ascii: "\n"))
            _ = take(pending, upTo: pending.count)
        }
        if !stopped { try flush() }
        return (counts, rejected)
    }

    /// The index of the first `\n` in `buffer[start..<end]`, found by `memchr` (the generic search was 1–2 % of an
    /// import's CPU).
    private static func lineBreak(in buffer: [UInt8], from start: Int, to end: Int) -> Int? {
        buffer.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress, let found = memchr(base + start, Int32(UInt8(ascii: "\n")), end - start) else { return nil }
            return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
        }
    }

    /// Decodes a batch concurrently and writes it; `stop` when an export header of another version was met.
    private func write(_ batch: [(line: Int, bytes: ArraySlice<UInt8>)], file: String) throws -> (ImportCounts, [Rejection], stop: Bool) {
        let slots = Slots(count: batch.count)
        defer { slots.deallocate() }
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, batch.count / 256))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < batch.count {
                slots.set(index, Result { () throws(ImportLine.Rejected) in try ImportLine.decode(batch[index].bytes, redactor: redactor) })
                index += workers
            }
        }
        let decoded = slots.values
        var lines: [ImportLine] = []
        var lineNumbers: [Int] = []
        var rejected: [Rejection] = []
        var stop = false
        for (index, result) in decoded.enumerated() {
            switch result {
            case .success(.header(let version)) where version != ExportFormat.version:
                rejected.append(
                    Rejection(
                        file: file, line: batch[index].line,
                        reason: "export format version \(version) is not supported (this blackbox reads version \(ExportFormat.version)); the rest of the file is not imported"))
                stop = true
            case .success(let line):
                lines.append(line)
                lineNumbers.append(batch[index].line)
            case .failure(let rejection):
                rejected.append(Rejection(file: file, line: batch[index].line, reason: rejection.reason))
            }
            if stop { break }
        }
        let (counts, refused) = try store.importBatch(lines)
        rejected += refused.map { Rejection(file: file, line: lineNumbers[$0.index], reason: "the store refused it: \($0.reason)") }
        rejected.sort { $0.line < $1.line }
        return (counts, rejected, stop)
    }

    /// One result per line, written by the decoding workers at disjoint indices.
    private final class Slots: @unchecked Sendable {
        private let buffer: UnsafeMutableBufferPointer<Result<ImportLine, ImportLine.Rejected>>

        init(count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: .failure(ImportLine.Rejected(reason: "not decoded")))
        }

        func set(_ index: Int, _ value: Result<ImportLine, ImportLine.Rejected>) {
            buffer[index] = value
        }

        var values: [Result<ImportLine, ImportLine.Rejected>] { Array(buffer) }

        func deallocate() {
            buffer.deinitialize()
            buffer.deallocate()
        }
    }
}
