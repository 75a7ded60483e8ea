import Foundation

/// A tmpfs of a few hundred KiB mounted on a fresh directory, to run out of space on purpose. Needs root
/// (as `scripts/test` and CI run); the initializer throws, never skips, when it cannot mount.
final class SmallFileSystem {
    let path: String

    init(kibibytes: Int) throws {
        path = FileManager.default.temporaryDirectory.appending(path: "blackbox-tmpfs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let mount = try ProcessRunner.run(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=\(kibibytes)k", "tmpfs", path])
        guard mount.status == 0 else { throw Failure(message: "cannot mount a tmpfs on \(path) (tests need root): \(mount.stderr)") }
    }

    /// Writes zeros to `filler` until the file system is full.
    ///
    /// - Throws: ``Failure`` when the filler file cannot be created.
    func fill() throws {
        guard FileManager.default.createFile(atPath: fillerPath, contents: nil), let handle = FileHandle(forWritingAtPath: fillerPath) else {
            throw Failure(message: "cannot create \(fillerPath)")
        }
        defer { try? handle.close() }
        let chunk = Data(count: 4096)
        while (try? handle.write(contentsOf: chunk)) != nil {}
    }

    /// Gives the space back.
    func free() {
        try? FileManager.default.removeItem(atPath: fillerPath)
    }

    private var fillerPath: String { path + "/filler" }

    deinit {
        _ = try? ProcessRunner.run(URL(fileURLWithPath: "/bin/umount"), ["-l", path])
        try? FileManager.default.removeItem(atPath: path)
    }

    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
