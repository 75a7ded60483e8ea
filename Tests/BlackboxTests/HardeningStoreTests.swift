@testable import BlackboxStore
import GRDB
import Foundation
import Testing

/// The store's paths (issue 13, item 7): the one-writer lock is the file's, whatever path reaches it, and `--db ''`
/// is an error rather than the default store.
@Suite struct HardeningStoreTests {
    @Test func aSymlinkOrAHardLinkToALockedStoreIsTheSameLock() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try EventStore(path: directory.storePath)
        let symlink = directory.url.appending(path: "link.sqlite").path
        let hardLink = directory.url.appending(path: "other-name.sqlite").path
        let spelled = directory.url.path + "/./blackbox.sqlite"
        try FileManager.default.createSymbolicLink(atPath: symlink, withDestinationPath: directory.storePath)
        try FileManager.default.linkItem(atPath: directory.storePath, toPath: hardLink)
        let held = try RecorderLock.acquire(storePath: directory.storePath)
        for path in [symlink, hardLink, spelled] {
            #expect(RecorderLock.isHeld(storePath: path) == true, "\(path)")
            #expect("\(path) got past the lock") {
                _ = try RecorderLock.acquire(storePath: path)
            } throws: { error in
                guard case StoreError.locked(let locked) = error else { return false }
                return locked == path
            }
        }
        withExtendedLifetime(held) {}
    }

    /// A read that SQLite fails (a damaged page) is a `StoreError` naming the store's path, not a bare SQLite error.
    @Test func aDamagedPageIsAStoreErrorWithThePath() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let store = try EventStore(path: directory.storePath)
            let payload = String(repeating: "x", count: 2000)
            _ = try store.append(contentsOf: (0..<400).map { EventRecord(timeNanos: 1_700_000_000_000_000_000 + Int64($0), kind: .engine, payload: #"{"p":"\#(payload)"}"#) })
        }
        // Everything after the first pages (the schema) becomes garbage: the events table's pages.
        let handle = try FileHandle(forWritingTo: directory.url.appending(path: "blackbox.sqlite"))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size / 2)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(size / 4)))
        try handle.close()
        let store = try EventStore(path: directory.storePath, readOnly: true)
        #expect {
            _ = try store.events(EventFilter())
        } throws: { error in
            guard case StoreError.cannotRead(let path, let reason) = error else { return false }
            return path == directory.storePath && reason.contains("malformed")
        }
    }

    @Test func anEmptyDbIsAUsageError() throws {
        let result = try BlackboxBinary.run(["events", "--db", ""])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--db must name a store file (got an empty path)"))
    }
}

/// `import` lists every bad line up to 1000, each with its line, and counts the rest (issue 13, item 7: it listed 50).
@Suite struct HardeningImportListingTests {
    @Test func badLinesAreListedUpToTheCapAndTheRestCounted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.url.appending(path: "bad.jsonl").path
        try (1...1500).map { "not json \($0)" }.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        // Standard error to a file: 1000 listed lines are more than a pipe holds while BlackboxBinary reads stdout first.
        let errors = directory.url.appending(path: "stderr.txt").path
        let result = try ProcessRunner.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "exec \"$0\" import --db \"$1\" \"$2\" 2>\"$3\"", BlackboxBinary.url.path, directory.storePath, file, errors])
        let stderr = try String(contentsOfFile: errors, encoding: .utf8)
        #expect(result.status == 1)
        let listed = stderr.split(separator: "\n").filter { $0.hasPrefix("\(file):") }
        #expect(listed.count == 1000)
        #expect(listed.first?.hasPrefix("\(file):1: error: not JSON") == true)
        #expect(listed.last?.hasPrefix("\(file):1000: error: not JSON") == true)
        #expect(stderr.contains("… and 500 more rejected lines"), "\(stderr.suffix(400))")
    }
}

/// Reading a store without write permission (issue 13).
@Suite struct HardeningReadOnlyStoreTests {
    /// A person who may read but not write a store (root's, with no recorder running: no `-wal`, no `-shm`) reads it:
    /// SQLite's WAL mode would create `-shm` ("attempt to write a readonly database"), so it is opened immutable.
    /// Runs the binary as `nobody` (uid 65534) through setpriv; the test command runs as root.
    @Test func aReaderWhoMayNotWriteReadsAnIdleStore() throws {
        try #require(getuid() == 0, "this test drops to uid 65534 and needs root, as the test command runs")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let store = try EventStore(path: directory.storePath)
            try store.append(EventRecord(timeNanos: 1_000, kind: .engine, type: "container", action: "create", containerID: "c1", containerName: "readable", payload: "{}"))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.storePath + "-wal"), "the store was not closed")
        let binary = directory.url.appending(path: "blackbox")
        try FileManager.default.copyItem(at: BlackboxBinary.url, to: binary)
        for (path, mode) in [(directory.url.path, 0o755), (binary.path, 0o755), (directory.storePath, 0o644)] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        }
        func asNobody(_ arguments: [String]) throws -> BlackboxBinary.Result {
            try ProcessRunner.run(
                URL(fileURLWithPath: "/usr/bin/setpriv"), ["--reuid=65534", "--regid=65534", "--clear-groups", binary.path] + arguments + ["--db", directory.storePath])
        }
        let ps = try asNobody(["ps", "--all"])
        #expect(ps.status == 0, "\(ps.stderr)")
        #expect(ps.stdout.contains("readable"))
        let query = try asNobody(["query", "SELECT count(*) AS n FROM events", "--format", "csv"])
        #expect(query.status == 0, "\(query.stderr)")
        #expect(query.stdout == "n\r\n1\r\n", "\(query.stdout)")
        let status = try asNobody(["status"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.storePath + "-shm"))
        // Writing still needs permission, and says so.
        let record = try asNobody(["import", "/dev/null"])
        #expect(record.status != 0)
        #expect(record.stderr.contains(directory.storePath), "\(record.stderr)")
        #expect(record.stderr.contains("uid 65534 may not write it (owner uid 0, mode 0644): run as root or as its owner"), "\(record.stderr)")
    }

    /// SQLite's bare codes ("disk I/O error", "attempt to write a readonly database") get the cause the file system
    /// knows, most telling first; a code the file system cannot explain keeps SQLite's message alone.
    @Test func aStoreFailureNamesTheCauseTheFileSystemKnows() {
        let healthy = StoreFileFacts(availableBytes: 10 << 30, fileWritable: true, owner: 0, mode: 0o644, uid: 0)
        #expect(healthy.cause(of: .SQLITE_IOERR, directory: "/var/lib/blackbox") == nil)
        var full = healthy
        full.availableBytes = 4096
        #expect(full.cause(of: .SQLITE_IOERR_WRITE, directory: "/var/lib/blackbox") == "the filesystem holding it is full (4096 bytes free); free space there or choose another path with --db")
        #expect(full.cause(of: .SQLITE_CORRUPT, directory: "/var/lib/blackbox") == nil, "a corrupt file is not the disk's fault")
        var readOnly = full
        readOnly.readOnlyFilesystem = true
        #expect(readOnly.cause(of: .SQLITE_READONLY, directory: "/var/lib/blackbox") == "the filesystem holding it is mounted read-only")
        var someoneElses = healthy
        someoneElses.fileWritable = false
        someoneElses.uid = 1000
        #expect(someoneElses.cause(of: .SQLITE_READONLY, directory: "/var/lib/blackbox") == "uid 1000 may not write it (owner uid 0, mode 0644): run as root or as its owner")
        var lockedDirectory = healthy
        lockedDirectory.directoryWritable = false
        lockedDirectory.uid = 1000
        #expect(lockedDirectory.cause(of: .SQLITE_CANTOPEN, directory: "/var/lib/blackbox")?.hasPrefix("uid 1000 may not create files in /var/lib/blackbox, where SQLite keeps") == true)
    }
}
