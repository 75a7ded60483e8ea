import DockerEngine
import Testing

@Suite struct TimestampAndAddressTests {
    @Test func parsesTheEnginesRFC3339Nano() {
        #expect(Timestamp.unixNanos(rfc3339: "1970-01-01T00:00:01.5Z") == 1_500_000_000)
        #expect(Timestamp.unixNanos(rfc3339: "2026-11-29T09:32:44.871923703Z") == 1_795_944_764_871_923_703)
        #expect(Timestamp.unixNanos(rfc3339: "2026-11-29T11:32:44.871923703+02:00") == 1_795_944_764_871_923_703)
        #expect(Timestamp.unixNanos(rfc3339: "0001-01-01T00:00:00Z") == nil)
        #expect(Timestamp.unixNanos(rfc3339: "yesterday") == nil)
        #expect(Timestamp.rfc3339(unixNanos: 1_795_944_764_871_923_703) == "2026-11-29T09:32:44.871Z")
    }

    @Test func resolvesTheEngineAddressLikeTheDockerCLI() throws {
        #expect(try EngineAddress.resolve(flag: nil, environment: [:]).description == "unix:///var/run/docker.sock")
        #expect(try EngineAddress.resolve(flag: nil, environment: ["DOCKER_HOST": "unix:///tmp/d.sock"]).description == "unix:///tmp/d.sock")
        #expect(
            try EngineAddress.resolve(flag: "tcp://127.0.0.1:2375", environment: ["DOCKER_HOST": "unix:///tmp/d.sock"]).transport
                == .tcp(host: "127.0.0.1", port: 2375))
        #expect(throws: EngineError.self) { try EngineAddress(parsing: "ssh://host") }
        #expect(throws: EngineError.self) { try EngineAddress(parsing: "tcp://host") }
        #expect(throws: EngineError.self) { try EngineAddress(parsing: "unix://relative.sock") }
    }

    @Test func comparesAPIVersionsNumerically() {
        #expect(APIVersion(1, 9) < APIVersion(1, 41))
        #expect(APIVersion("1.41") == APIVersion(1, 41))
        #expect(APIVersion("1.x") == nil)
    }
}
