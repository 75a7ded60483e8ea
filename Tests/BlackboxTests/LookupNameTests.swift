import BlackboxCore
import BlackboxStore
@testable import Playbooks
import Testing

/// `lookup:` names: one list for the parser and the matcher, and `mount_source` read from the inspect snapshot.
@Suite struct LookupNameTests {
    @Test func mountSourceIsTheSourceMountedAtThatDestination() throws {
        let inspect = try #require(
            JSONValue.parse(
                #"{"Mounts": [{"Type": "bind", "Source": "/srv/data", "Destination": "/data"}, {"Type": "bind", "Source": "/var/run/docker.sock", "Destination": "/run/docker.sock"}]}"#))
        #expect(LookupName.mountSource(at: "/run/docker.sock", in: inspect) == "/var/run/docker.sock")
        #expect(LookupName.mountSource(at: "/data/", in: inspect) == "/srv/data", "a trailing slash is the same path")
        #expect(LookupName.mountSource(at: "/var/run/docker.sock", in: inspect) == nil, "nothing is mounted there")
        #expect(LookupName.mountSource(at: "/data", in: nil) == nil)
    }

    @Test func hostPathFollowsTheClosestMountThatHoldsThePath() throws {
        let inspect = try #require(
            JSONValue.parse(
                #"{"Mounts": [{"Type": "bind", "Source": "/srv/app/", "Destination": "/app"}, {"Type": "volume", "Source": "/var/lib/docker/volumes/pids/_data", "Destination": "/app/tmp/pids"}]}"#))
        #expect(LookupName.hostPath(of: "/app/tmp/pids/server.pid", in: inspect) == "/var/lib/docker/volumes/pids/_data/server.pid", "the deepest mount wins")
        #expect(LookupName.hostPath(of: "/app/config/puma.rb", in: inspect) == "/srv/app/config/puma.rb")
        #expect(LookupName.hostPath(of: "/app", in: inspect) == "/srv/app")
        #expect(LookupName.hostPath(of: "/application/x.pid", in: inspect) == nil, "a mount holds whole path components only")
        #expect(LookupName.hostPath(of: "/app/../etc/passwd", in: inspect) == nil, "a path that climbs out of the mount is no host path")
        #expect(LookupName.hostPath(of: "tmp/pids/server.pid", in: inspect) == nil, "a relative path names no mount")
        #expect(LookupName.hostPath(of: "/run/server.pid", in: inspect) == nil, "in the container's own filesystem")
    }

    @Test func theParserAcceptsEveryLookupTheMatcherAnswersAndNamesThemWhenWrong() {
        for name in LookupName.allCases {
            let yaml = "id: t\ntitle: t\nclass: crash\nseverity: error\nsources: [moby/moby#1]\nmatch: {trigger: die}\nevidence:\n  where: {log: '(/\\S+)'}\n  found: {lookup: \(name.rawValue), of: where}\ndiagnosis: '{{container}}'\nfix: x\n"
            let (playbook, diagnostics) = PlaybookParser.parse(yaml: yaml, file: "t.yaml")
            #expect(playbook != nil, "\(name.rawValue): \(diagnostics)")
        }
        let (playbook, diagnostics) = PlaybookParser.parse(
            yaml: "id: t\ntitle: t\nclass: crash\nseverity: error\nsources: [moby/moby#1]\nmatch: {trigger: die}\nevidence:\n  where: {log: 'x'}\n  found: {lookup: mount_owner, of: where}\ndiagnosis: x\nfix: x\n", file: "t.yaml")
        #expect(playbook == nil)
        #expect(diagnostics.map(\.description).joined().contains("lookup takes port_holder, port_process, path_owner, program_interpreter, program_first_line, mount_source, host_path, volume_user"), "\(diagnostics)")
    }
}
