import Foundation
import PackagePlugin

/// Gives BlackboxCLI its version (`enum BuildVersion`) from `scripts/version` before every build: the file VERSION,
/// and from a git clone where the build stands against its tag. A prebuild command, because a new commit changes the
/// version without changing any input file a build command could name; the script rewrites the file only when the
/// version changed, so an unchanged tree recompiles nothing.
@main
struct VersionPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "version")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        return [
            .prebuildCommand(
                displayName: "Versioning \(target.name) from scripts/version",
                executable: URL(filePath: "/bin/sh"),
                arguments: [
                    context.package.directoryURL.appending(path: "scripts/version").path,
                    "--swift", output.appending(path: "BuildVersion.swift").path,
                ],
                outputFilesDirectory: output
            )
        ]
    }
}
