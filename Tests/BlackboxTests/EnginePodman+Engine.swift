import Foundation
import Testing

/// The private Podman engine that `scripts/test` starts beside the Docker one (`scripts/lib/podman.sh`): its
/// Docker-compatible API in `BLACKBOX_TEST_PODMAN_HOST`, the same busybox image as `BLACKBOX_TEST_IMAGE`. Without it
/// the Podman suite is skipped, and `scripts/test` fails a run that started Podman if it was.
enum PodmanEngine {
    static let address = ProcessInfo.processInfo.environment["BLACKBOX_TEST_PODMAN_HOST"].flatMap { $0.isEmpty ? nil : $0 }
    static let available = address != nil
    static let skipReason: Comment = "PODMAN TESTS SKIPPED: no private Podman engine (BLACKBOX_TEST_PODMAN_HOST is unset); run scripts/test"

    /// Runs the docker CLI against Podman's compatible API, as a user of `podman system service` would.
    @discardableResult
    static func docker(_ arguments: String...) throws -> BlackboxBinary.Result {
        try docker(arguments)
    }

    @discardableResult
    static func docker(_ arguments: [String]) throws -> BlackboxBinary.Result {
        try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["docker"] + arguments, environment: ["DOCKER_HOST": address ?? ""])
    }
}
