import Foundation
import PackagePlugin

/// Compiles top-level data folders into the targets that own them:
/// `migrations/*.sql` into BlackboxStore (as `EmbeddedMigrations`) and
/// `playbooks/*.yaml` into Playbooks (as `EmbeddedPlaybooks`).
@main
struct EmbedFilesPlugin: BuildToolPlugin {
    /// Which folder and file extension each target embeds, and the generated enum's name.
    static let embeddings: [String: (folder: String, fileExtension: String, enumName: String)] = [
        "BlackboxStore": ("migrations", "sql", "EmbeddedMigrations"),
        "Playbooks": ("playbooks", "yaml", "EmbeddedPlaybooks"),
    ]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let embedding = Self.embeddings[target.name] else { return [] }
        let folder = context.package.directoryURL.appending(path: embedding.folder)
        let inputs = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == embedding.fileExtension }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "\(embedding.enumName).swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) file(s) of \(embedding.folder)/ into \(target.name)",
                executable: try context.tool(named: "EmbedFiles").url,
                arguments: [output.path, embedding.enumName] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
