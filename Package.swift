// swift-tools-version:6.0
import Foundation
import PackageDescription

let package = Package(
    name: "blackbox",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "blackbox", targets: ["blackbox"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.24.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // Tests only: property-based round trips (Tests/BlackboxTests/Property*Tests.swift).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // What several modules share: the JSON value model, human units, host path facts, bounded YAML.
        .target(name: "BlackboxCore", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(
            name: "DockerEngine",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "BlackboxStore",
            dependencies: [
                "DockerEngine",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            plugins: ["EmbedFilesPlugin"]
        ),
        .target(
            name: "Compose",
            dependencies: ["BlackboxCore", "DockerEngine", "BlackboxStore", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "Playbooks",
            dependencies: [
                "BlackboxCore",
                "DockerEngine",
                "BlackboxStore",
                // A compose service's context (its `depends_on`, where it is written) is read with the compose parser.
                "Compose",
                .product(name: "Yams", package: "Yams"),
            ],
            plugins: ["EmbedFilesPlugin"]
        ),
        .target(
            name: "Recorder",
            dependencies: [
                "BlackboxCore",
                "DockerEngine",
                "BlackboxStore",
                "Playbooks",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "BlackboxViews",
            dependencies: ["BlackboxCore", "DockerEngine", "BlackboxStore", "Playbooks", "Compose"]
        ),
        .target(
            name: "BlackboxCLI",
            dependencies: [
                "BlackboxCore",
                "BlackboxViews",
                "DockerEngine",
                "BlackboxStore",
                "Recorder",
                "Playbooks",
                "Compose",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            plugins: ["VersionPlugin"]
        ),
        .executableTarget(
            name: "blackbox",
            dependencies: ["BlackboxCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            linkerSettings: [
                // Start-up (every command is a short process): with `--static-swift-stdlib` (how README, scripts/bench
                // and scripts/check-release build it) the Swift runtime and Foundation are linked in rather than bound
                // symbol by symbol by the dynamic loader; lld packs the relocations that remain (DT_RELR) and the
                // binary stays position-independent. `blackbox --version`: 11 → 6 ms of CPU (Benchmarks/NOTES.md).
                .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"], .when(platforms: [.linux], configuration: .release))
            ]
        ),
        .executableTarget(name: "EmbedFiles"),
        .plugin(name: "EmbedFilesPlugin", capability: .buildTool(), dependencies: ["EmbedFiles"]),
        .plugin(name: "VersionPlugin", capability: .buildTool()),
        .testTarget(
            name: "BlackboxTests",
            dependencies: [
                "BlackboxCore", "BlackboxViews", "DockerEngine", "BlackboxStore", "Playbooks", "Recorder", "BlackboxCLI", "blackbox", "Compose",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Golden", "Sessions"],
            resources: [.copy("Fixtures")]
        ),
    ]
)

// The fuzz build (scripts/fuzz, `BLACKBOX_FUZZ=1 swift build --scratch-path .build-fuzz`): one libFuzzer binary,
// Fuzz/BlackboxFuzz, over the parsers of the ingress paths, in its own scratch folder. It compiles DockerEngine without
// its HTTP client (no SwiftNIO, no AsyncHTTPClient) and instruments only blackbox's own modules (`-sanitize=fuzzer`,
// with AddressSanitizer); Yams and GRDB are built as usual. The main build never sees these targets.
if ProcessInfo.processInfo.environment["BLACKBOX_FUZZ"] != nil {
    let instrumented: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer,address"])]
    let kept = ["EmbedFiles", "EmbedFilesPlugin"]
    package.products = [.executable(name: "BlackboxFuzz", targets: ["BlackboxFuzz"])]
    package.targets = package.targets.filter { kept.contains($0.name) } + [
        .target(name: "BlackboxCore", dependencies: [.product(name: "Yams", package: "Yams")], swiftSettings: instrumented),
        .target(
            name: "DockerEngine", exclude: ["DockerClient.swift", "DockerClient+Actions.swift", "DockerClient+Archive.swift", "JSONLineStream.swift"],
            swiftSettings: instrumented),
        .target(
            name: "BlackboxStore",
            dependencies: ["DockerEngine", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")],
            swiftSettings: instrumented, plugins: ["EmbedFilesPlugin"]),
        .target(
            name: "Compose", dependencies: ["BlackboxCore", "DockerEngine", "BlackboxStore", .product(name: "Yams", package: "Yams")],
            swiftSettings: instrumented),
        .target(
            name: "Playbooks", dependencies: ["BlackboxCore", "DockerEngine", "BlackboxStore", "Compose", .product(name: "Yams", package: "Yams")],
            swiftSettings: instrumented, plugins: ["EmbedFilesPlugin"]),
        .executableTarget(
            name: "BlackboxFuzz", dependencies: ["BlackboxCore", "DockerEngine", "BlackboxStore", "Playbooks", "Compose"], path: "Fuzz/BlackboxFuzz",
            swiftSettings: instrumented, linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]),
    ]
}
