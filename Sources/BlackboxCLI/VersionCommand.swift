import ArgumentParser
import BlackboxViews
import DockerEngine
import Foundation

struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Show blackbox's version and the engine's (Docker Engine or Podman), with the negotiated Engine API version."
    )

    @OptionGroup var engine: EngineOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let client: DockerClient
        let version: EngineVersion
        do {
            client = try await DockerClient.connect(to: try engine.address())
            do {
                version = try await client.version()
            } catch {
                await client.shutdown()
                throw error
            }
        } catch {
            // Without an engine blackbox still says which it is; the error (and exit status 1) follow.
            if !output.json { print("blackbox:         \(Blackbox.version)") }
            throw error
        }
        await client.shutdown()
        if output.json {
            JSONOutput.print([
                VersionView(
                    blackbox: Blackbox.version, address: client.address.description, version: version, apiVersion: client.apiVersion.description,
                    minimumAPIVersion: DockerClient.minimumAPIVersion.description)
            ])
        } else {
            print(
                """
                blackbox:         \(Blackbox.version)
                engine address:   \(client.address)
                engine:           \(version.product.name) \(version.version) (\(version.os ?? "?")/\(version.arch ?? "?"), kernel \(version.kernelVersion ?? "?"))
                engine API:       \(version.apiVersion)
                negotiated API:   \(client.apiVersion) (blackbox speaks \(DockerClient.minimumAPIVersion) to \(DockerClient.maximumAPIVersion))
                """)
        }
    }
}
