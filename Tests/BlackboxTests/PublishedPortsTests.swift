@testable import Compose
import Testing

/// Duplicate host ports compared as ranges (``PublishedPorts``), without expanding them: pure, no I/O.
@Suite struct PublishedPortsTests {
    private func ports(_ range: ClosedRange<Int>, _ proto: String = "tcp", ip: String? = nil) -> PublishedPorts {
        PublishedPorts(hostIP: ip, ports: range, proto: proto)
    }

    @Test func overlappingRangesShareTheirCommonPorts() {
        #expect(ports(1...65535).overlap(ports(1...65535)) == 1...65535)
        #expect(ports(8000...8010).overlap(ports(8005...8020)) == 8005...8010)
        #expect(ports(8000...8010).overlap(ports(8011...8020)) == nil)
    }

    @Test func aRangeAndASinglePortShareThatPort() {
        #expect(ports(8000...8010).overlap(ports(8080...8080)) == nil)
        #expect(ports(8000...8100).overlap(ports(8080...8080)) == 8080...8080)
        #expect(PublishedPorts.describe(8080...8080, "tcp") == "8080/tcp")
        #expect(PublishedPorts.describe(1...65535, "udp") == "1-65535 (udp)")
    }

    @Test func tcpAndUdpDoNotOverlap() {
        #expect(ports(1...65535, "tcp").overlap(ports(1...65535, "udp")) == nil)
    }

    @Test func differentHostAddressesDoNotOverlapButEveryAddressDoes() {
        #expect(ports(80...90, ip: "127.0.0.1").overlap(ports(80...90, ip: "10.0.0.1")) == nil)
        #expect(ports(80...90, ip: "127.0.0.1").overlap(ports(85...95, ip: "127.0.0.1")) == 85...90)
        #expect(ports(80...90, ip: "127.0.0.1").overlap(ports(85...95, ip: "0.0.0.0")) == 85...90)
        #expect(ports(80...90, ip: "::1").overlap(ports(90...95)) == 90...90)
    }

    @Test func fourFullRangesGiveOneClashPerPair() {
        let clashes = Checklist.clashes(Array(repeating: ports(1...65535), count: 4))
        #expect(clashes.keys.sorted() == [1, 2, 3])
        #expect(clashes[3]?.map(\.other) == [0, 1, 2])
        #expect(clashes.values.flatMap { $0 }.allSatisfy { $0.shared == 1...65535 })
        let mixed = Checklist.clashes([ports(8000...8010), ports(8080...8080), ports(8005...8005, "udp"), ports(8008...8090)])
        #expect(mixed.keys.sorted() == [3])
        #expect(mixed[3]?.map(\.other) == [0, 1])
        #expect(mixed[3]?.map(\.shared) == [8008...8010, 8080...8080])
    }

    @Test func eachEntryWithHostPortsIsOneRunAndTheContainerPortFollowsTheHostPort() {
        let at = ComposeLocation(file: "compose.yaml", line: 4)
        let entries = [
            ComposePort(hostIP: nil, hostPorts: 8000...8010, containerPorts: 9000...9010, proto: "tcp", location: at),
            ComposePort(hostIP: nil, hostPorts: 1...65535, containerPorts: 80...80, proto: "tcp", location: at),
            ComposePort(hostIP: nil, hostPorts: nil, containerPorts: 81...81, proto: "tcp", location: at),
        ]
        #expect(PublishedPorts.runs(entries).map(\.run.ports) == [8000...8010, 1...65535])
        #expect(entries[0].containerPort(for: 8003) == 9003)
        #expect(entries[1].containerPort(for: 40000) == 80)
    }

    /// A 4 MiB compose file of `1-65535:1-65535` entries held one value per port (65,535 per entry): gigabytes.
    @Test func aPortRangeIsParsedAsOneValue() throws {
        let file = "services:\n  web:\n    image: nginx\n    ports:\n" + String(repeating: "      - \"1-65535:1-65535/udp\"\n", count: 2_000)
        var parser = ComposeFileParser(file: "compose.yaml", projectDirectory: "/srv", interpolator: Interpolator(variables: [:]))
        let model = parser.parse(file)
        #expect(parser.problems.isEmpty)
        let web = try #require(model.services.first)
        #expect(web.ports.count == 2_000)
        #expect(web.ports.allSatisfy { $0.hostPorts == 1...65535 && $0.containerPorts == 1...65535 && $0.proto == "udp" })
    }

    @Test func theNextFreePortSkipsEveryPublishedRange() {
        let taken = PublishedPorts.merged([9000...9100, 8080...8080, 8081...8085])
        #expect(taken == [8080...8085, 9000...9100])
        #expect(PublishedPorts.nextFree(above: 8080, in: taken) == 8086)
        #expect(PublishedPorts.nextFree(above: 8999, in: taken) == 9101)
        #expect(PublishedPorts.nextFree(above: 7000, in: taken) == 7001)
    }
}
