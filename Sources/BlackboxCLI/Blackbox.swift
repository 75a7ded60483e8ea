import ArgumentParser

/// The `blackbox` command tree.
@available(macOS 10.15, macCatalyst 13, iOS 13, tvOS 13, watchOS 6, *)
public struct Blackbox: AsyncParsableCommand {
    /// blackbox's version, from `scripts/version` at build time (Plugins/VersionPlugin): the number in the file VERSION,
    /// and from a git clone `+COMMITS.gHASH` past its tag, `.dirty` with uncommitted changes. `blackbox --version`, the
    /// `version` command, the Debian package and the container image all say this one string.
    public static let version = BuildVersion.version

    public static let configuration = CommandConfiguration(
        commandName: "blackbox",
        abstract: "A flight recorder and troubleshooter for Docker hosts.",
        discussion: """
            `blackbox record` follows a Docker engine and keeps everything it does in one SQLite file; \
            the other commands read that history.
            """,
        version: version,
        subcommands: [
            RecordCommand.self, IncidentsCommand.self, IncidentCommand.self, PlaybookCommand.self, EventsCommand.self, PsCommand.self,
            StatsCommand.self, StatusCommand.self, QueryCommand.self, TimelineCommand.self, ExportCommand.self, ImportCommand.self,
            ReplayCommand.self, CheckCommand.self, PruneCommand.self, VersionCommand.self,
        ]
    )

    public init() {}
}
