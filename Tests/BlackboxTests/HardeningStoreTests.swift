import BlackboxStore
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

    @Test func anEmptyDbIsAUsageError() throws {
        let result = try BlackboxBinary.run(["events", "--db", ""])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--db must name a store file (got an empty path)"))
    }
}
