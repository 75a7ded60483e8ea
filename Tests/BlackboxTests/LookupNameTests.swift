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

    @Test func aNoexecTmpfsHoldsAPathUnlessItsOptionsSayExec() throws {
        let inspect = try #require(
            JSONValue.parse(
                #"{"HostConfig": {"Tmpfs": {"/tmp": "", "/run/exec": "rw,exec,size=64m"}}, "Mounts": [{"Type": "tmpfs", "Destination": "/cache"}]}"#))
        #expect(LookupName.noexecTmpfs(holding: "/tmp/_MEIx1Yz7Q/worker", in: inspect) == "/tmp", "the engine's default is noexec")
        #expect(LookupName.noexecTmpfs(holding: "/run/exec/helper", in: inspect) == nil, "mounted with exec")
        #expect(LookupName.noexecTmpfs(holding: "/cache/lib.so", in: inspect) == "/cache", "--mount type=tmpfs")
        #expect(LookupName.noexecTmpfs(holding: "/tmpfiles/x", in: inspect) == nil, "whole path components only")
        #expect(LookupName.noexecTmpfs(holding: "/tmp", in: inspect) == nil, "the mount point itself is no file on it")
        #expect(LookupName.noexecTmpfs(holding: "/tmp/../usr/bin/app", in: inspect) == nil)
    }

    /// A host name such as `db` in a client's error is the compose service of that name in the same project: its
    /// running container and the volume it keeps its data in, from the snapshots at the failure.
    @Test func aServiceNameLeadsToItsContainerAndVolumeInTheSameProject() throws {
        func container(_ name: String, project: String, service: String, volume: String) -> String {
            #"{"Name": "/\#(name)", "State": {"Running": true}, "Config": {"Labels": {"com.docker.compose.project": "\#(project)", "com.docker.compose.service": "\#(service)"}}, "Mounts": [{"Type": "bind", "Source": "/srv", "Destination": "/srv"}, {"Type": "volume", "Name": "\#(volume)", "Destination": "/var/lib/postgresql/data"}]}"#
        }
        let lookups = SnapshotLookups([
            "a1": container("shop_db_1", project: "shop", service: "db", volume: "shop_pgdata"),
            "b2": container("other_db_1", project: "other", service: "db", volume: "other_pgdata"),
        ])
        var incident = IncidentState(
            id: 1, containerID: "c3", containerName: "shop_app_1", image: "app:1", composeProject: "shop", composeService: "app", trigger: "die",
            triggers: "die", openedNanos: 1, lastNanos: 1, occurrences: 1, exitCode: 1, stableSinceNanos: nil, resolvedNanos: nil, resolution: nil,
            eventSeqs: "[]", lastEventSeq: 0)
        let context = IncidentContext(incident: incident, events: [], inspect: nil, snapshots: [], logLines: [], samples: [], lookups: lookups)
        #expect(LookupName.serviceContainer.answer("db", context) == "shop_db_1")
        #expect(LookupName.serviceVolume.answer("db", context) == "shop_pgdata")
        #expect(LookupName.serviceContainer.answer("redis", context) == nil)
        incident.composeProject = nil
        let alone = IncidentContext(incident: incident, events: [], inspect: nil, snapshots: [], logLines: [], samples: [], lookups: lookups)
        #expect(LookupName.serviceContainer.answer("db", alone) == nil, "outside compose a host name is no service")
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
