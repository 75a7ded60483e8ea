import Compose
import Foundation

/// The compose project in `Fixtures/compose/shop`, copied to a temporary directory so that its bind-mount sources
/// can be made as each test needs them.
struct ComposeFixture {
    let directory: TemporaryDirectory
    var path: String { directory.url.path }

    init() throws {
        directory = try TemporaryDirectory()
        let source = Fixtures.directory.appending(path: "compose/shop")
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.copyItem(at: source.appending(path: name), to: directory.url.appending(path: name))
        }
        // The importer's bind mount: owned by root, mode 0755, so its user 1000:1000 cannot write there.
        try FileManager.default.createDirectory(atPath: path + "/import", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    }

    /// Loads the project as `blackbox check -f …` run in the fixture's directory would.
    func load(_ files: [String] = ["compose.yaml", "compose.prod.yaml"], environment: [String: String] = [:]) throws -> ComposeProject {
        try ComposeLoader.load(files: files, environment: environment, workingDirectory: path)
    }
}
