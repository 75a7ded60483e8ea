import BlackboxStore
import Foundation
import Playbooks
import Testing

/// The breadth playbooks on the private engine: failures the kernel and the engine really produce (a directory
/// mounted onto a file, a removed network, a missing device, a CRLF entry script, a glibc program without its loader,
/// dropped capabilities, the nofile and pids limits, a full tmpfs, the engine's DNS, health probes, a shell as PID 1, a socket path
/// that is not the engine's, Node's heap limit), recorded by the real
/// `blackbox record` and read back with `blackbox incident show`.
@Suite(.serialized, .enabled(if: TestEngine.available, TestEngine.skipReason))
struct EngineBreadthTests {
    /// Records `scenario` until `name`'s latest incident is diagnosed as `playbook`, stops the recorder, and
    /// returns `blackbox incident show NAME`.
    private func diagnose(_ name: String, expecting playbook: String, _ scenario: (TemporaryDirectory) throws -> Void) throws -> String {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let recorder = try RecorderProcess(storePath: directory.storePath)
        try scenario(directory)
        let store = try EventStore(path: directory.storePath, readOnly: true)
        func best() throws -> String? {
            let ids = try store.containerIDs(matching: name)
            guard !ids.isEmpty, let incident = try store.latestIncident(containerIDs: ids), let id = incident.id else { return nil }
            return try store.matches(incidentID: id).first?.playbookID
        }
        let settled = try TestEngine.wait(seconds: 45) { try best() == playbook }
        Thread.sleep(forTimeInterval: 1)
        let (status, stderr) = recorder.stop()
        #expect(status == 0, "record exited \(status):\n\(stderr)")
        let found = try best()
        #expect(settled, "\(name): expected \(playbook), got \(found ?? "no match")\n\(stderr)")
        #expect(found == playbook)
        let shown = try BlackboxBinary.run(["incident", "show", name, "--db", directory.storePath])
        #expect(shown.status == 0, "incident show failed: \(shown.stderr)")
        _ = try? TestEngine.docker("rm", "-f", name)
        return shown.stdout
    }

    @Test func aDirectoryMountedOntoAFile() throws {
        let name = TestEngine.uniqueName("mounts")
        var source = ""
        let shown = try diagnose(name, expecting: "mount-type-mismatch") { directory in
            source = directory.url.appending(path: "passwd").path
            try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
            _ = try? TestEngine.docker("run", "-d", "--name", name, "-v", "\(source):/etc/passwd", TestEngine.image, "true")
        }
        #expect(shown.contains("Diagnosis: A bind mount puts a directory onto a file"))
        #expect(shown.contains("rmdir \(source)"))
    }

    @Test func aRemovedNetwork() throws {
        let name = TestEngine.uniqueName("netless")
        let network = TestEngine.uniqueName("net")
        let shown = try diagnose(name, expecting: "network-not-found") { _ in
            try TestEngine.docker("network", "create", network)
            try TestEngine.docker("create", "--name", name, "--network", network, TestEngine.image, "true")
            try TestEngine.docker("network", "rm", network)
            _ = try? TestEngine.docker("start", name)
        }
        #expect(shown.contains("attached to a network (\(network)) that no longer exists"))
    }

    @Test func aMissingDevice() throws {
        let name = TestEngine.uniqueName("devices")
        let shown = try diagnose(name, expecting: "device-not-found") { _ in
            try TestEngine.docker("create", "--name", name, "--device", "/dev/blackbox-missing", TestEngine.image, "true")
            _ = try? TestEngine.docker("start", name)
        }
        #expect(shown.contains("ls -l /dev/blackbox-missing"))
    }

    @Test func anEntryScriptWithCRLFLineEnds() throws {
        let name = TestEngine.uniqueName("crlf")
        let shown = try diagnose(name, expecting: "interpreter-not-found") { directory in
            let script = directory.url.appending(path: "entrypoint.sh")
            try Data("#!/bin/sh\r\necho hi\r\n".utf8).write(to: script)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
            try TestEngine.docker("run", "-d", "--name", name, "-v", "\(script.path):/entrypoint.sh", "--entrypoint", "/entrypoint.sh", TestEngine.image)
        }
        // The recorder read the script from the stopped container, through its bind mount.
        #expect(shown.contains("reads #!/bin/sh\\r"), "\(shown)")
        #expect(shown.contains("exec /entrypoint.sh: no such file or directory"))
    }

    /// A glibc program (this host's `/bin/sleep`) in the busybox image, started through a symbolic link: the
    /// recorder follows the link in the stopped container and reads the ELF's `PT_INTERP`.
    @Test func aGlibcProgramWithoutItsLoader() throws {
        let name = TestEngine.uniqueName("loader")
        let shown = try diagnose(name, expecting: "interpreter-not-found") { directory in
            let app = directory.url.appending(path: "app")
            try FileManager.default.createDirectory(at: app, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "/bin/sleep", toPath: app.appending(path: "sleep").path)
            try FileManager.default.createSymbolicLink(atPath: app.appending(path: "run").path, withDestinationPath: "sleep")
            _ = try? TestEngine.docker("run", "-d", "--name", name, "-v", "\(app.path):/app", "--entrypoint", "/app/run", TestEngine.image, "3600")
        }
        // Text is wrapped at 100 columns: the words, then the loader in the evidence.
        #expect(shown.contains("program /app/run is an ELF binary linked against the"), "\(shown)")
        #expect(shown.contains("  loader          /lib"), "\(shown)")
        #expect(shown.contains("CGO_ENABLED=0"))
        #expect(!shown.contains("sed -i"))
    }

    @Test func droppedCapabilities() throws {
        let name = TestEngine.uniqueName("capless")
        let shown = try diagnose(name, expecting: "capability-dropped") { _ in
            try TestEngine.docker("run", "-d", "--name", name, "--cap-drop", "ALL", TestEngine.image, "sh", "-c", "chown 1:1 /tmp")
        }
        #expect(shown.contains("capabilities dropped (ALL)"))
        #expect(shown.contains("The refused call is chown"))
    }

    @Test func theOpenFilesLimit() throws {
        let name = TestEngine.uniqueName("fds")
        let shown = try diagnose(name, expecting: "too-many-open-files") { _ in
            try TestEngine.docker(
                "run", "-d", "--name", name, "--ulimit", "nofile=12:12", TestEngine.image, "sh", "-c",
                #"i=3; while [ $i -lt 40 ]; do eval "exec $i</dev/null" || exit 1; i=$((i+1)); done"#)
        }
        #expect(shown.contains("open-files limit is 12 (hard 12)"))
    }

    @Test func theProcessLimit() throws {
        let name = TestEngine.uniqueName("forks")
        let shown = try diagnose(name, expecting: "pids-limit-reached") { _ in
            try TestEngine.docker(
                "run", "-d", "--name", name, "--pids-limit", "8", TestEngine.image, "sh", "-c",
                "i=0; while [ $i -lt 20 ]; do sleep 60 & i=$((i+1)); done; exit 1")
        }
        #expect(shown.contains("process limit of 8"))
        #expect(shown.contains("docker update --pids-limit 16 \(name)"))
    }

    @Test func aFullFileSystem() throws {
        let name = TestEngine.uniqueName("full")
        let shown = try diagnose(name, expecting: "no-space-left") { _ in
            try TestEngine.docker(
                "run", "-d", "--name", name, "--tmpfs", "/data:size=512k", TestEngine.image, "sh", "-c", "dd if=/dev/zero of=/data/f bs=1k count=2000")
        }
        #expect(shown.contains("No space left on device"))
    }

    @Test func aNameTheEngineDNSDoesNotKnow() throws {
        let name = TestEngine.uniqueName("lookups")
        let network = TestEngine.uniqueName("app")
        let shown = try diagnose(name, expecting: "dependency-name-not-resolved") { _ in
            try TestEngine.docker("network", "create", network)
            try TestEngine.docker("run", "-d", "--name", name, "--network", network, TestEngine.image, "wget", "-q", "-O-", "http://db:8080/")
        }
        #expect(shown.contains("did not resolve: db"))
        _ = try? TestEngine.docker("rm", "-f", name)
        _ = try? TestEngine.docker("network", "rm", network)
    }

    @Test func aHealthProbeTheImageLacks() throws {
        let name = TestEngine.uniqueName("probeless")
        let shown = try diagnose(name, expecting: "healthcheck-probe-missing") { _ in
            try TestEngine.docker(
                "run", "-d", "--name", name, "--health-cmd", "curl -f http://127.0.0.1:8080/", "--health-interval", "1s", "--health-retries", "2",
                TestEngine.image, "sleep", "60")
        }
        #expect(shown.contains("curl: not found"))
    }

    @Test func aHealthProbeThatTimesOut() throws {
        let name = TestEngine.uniqueName("slow")
        let shown = try diagnose(name, expecting: "healthcheck-timeout") { _ in
            try TestEngine.docker(
                "run", "-d", "--name", name, "--health-cmd", "sleep 5", "--health-timeout", "1s", "--health-interval", "1s", "--health-retries", "2",
                TestEngine.image, "sleep", "60")
        }
        #expect(shown.contains("Health check exceeded timeout (1s)"))
    }

    @Test func aShellAsPID1() throws {
        let name = TestEngine.uniqueName("shell")
        let shown = try diagnose(name, expecting: "stop-signal-not-forwarded") { _ in
            try TestEngine.docker("run", "-d", "--name", name, TestEngine.image, "sh", "-c", #"trap "" TERM; sleep 60"#)
            Thread.sleep(forTimeInterval: 1)
            try TestEngine.docker("stop", "-t", "1", name)
        }
        #expect(shown.contains("its main process is a shell"))
    }

    /// A socket path that does not exist on the host: the engine creates an empty directory there and mounts it, and
    /// the client in the container finds no socket (GhostWriters/DockSTARTer#1664).
    @Test func aDockerSocketPathThatIsNotTheEngines() throws {
        let name = TestEngine.uniqueName("socket")
        var source = ""
        let shown = try diagnose(name, expecting: "docker-socket-unreachable") { directory in
            source = directory.url.appending(path: "run/user/1000/docker.sock").path
            _ = try? TestEngine.docker(
                "run", "-d", "--name", name, "-v", "\(source):/var/run/docker.sock", TestEngine.image, "sh", "-c",
                #"[ -S /var/run/docker.sock ] || { echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1; }"#)
        }
        #expect(shown.contains("it is a directory, not a socket"), "\(shown)")
        #expect(shown.contains("rmdir \(source)"))
    }

    /// V8's heap limit under a container limit: Node prints its FATAL ERROR and aborts (134), the kernel kills nothing.
    @Test func aNodeHeapLimitBelowTheContainerLimit() throws {
        let name = TestEngine.uniqueName("node-heap")
        let shown = try diagnose(name, expecting: "node-heap-out-of-memory") { _ in
            try TestEngine.docker(
                "run", "-d", "--name", name, "--memory", "256m", "-e", "NODE_OPTIONS=--max-old-space-size=128", TestEngine.image, "sh", "-c",
                #"echo "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory" >&2; sh -c 'kill -ABRT $$'; exit $?"#)
        }
        #expect(shown.contains("exit code    134"), "\(shown)")
        #expect(shown.contains("--max-old-space-size=128"))
        #expect(shown.contains("256MiB"))
    }
}
