import Playbooks
import Testing

/// The failures of a new user's evaluation (real failures from public bug reports, reproduced on the private engine
/// and judged as their reporters would), as breadth cases: each with the messages of its threads and a near miss.
extension BuiltinPlaybookBreadthTests {
    static let evaluationCases: [BreadthCase] = [
        BreadthCase(
            "stop-grace-too-short", .stopTimeout, log: ["ready to accept connections", "received SIGTERM, flushing 5000 dirty pages to disk"],
            inspect: Snapshot.at("Config", "Cmd", .array([.string("sh"), .string("-c"), .string("trap 'flush; exit 0' TERM; serve")])),
            says: ["after SIGTERM it logged \"received SIGTERM, flushing 5000 dirty pages to disk\"", "docker stop -t 30 app", "stop_grace_period: 30s"],
            nearMiss: .log(["ready to accept connections"])),
        BreadthCase(
            "stop-grace-too-short", .stopTimeout, log: ["[INFO] Shutting down gracefully, waiting for 12 jobs"],
            inspect: Snapshot.at("Config", "StopTimeout", .number(5)),
            says: ["the engine waited 1.0s between SIGTERM and SIGKILL"],
            nearMiss: .failure(.die(1))),
        BreadthCase(
            "stop-signal-not-forwarded", .stopTimeout,
            inspect: Snapshot.at("Config", "Cmd", .array([.string("/bin/sh"), .string("-c"), .string("python migrate.py; python app.py")])),
            says: ["is a shell"],
            // The shell replaced itself with the program: PID 1 at the stop was python (sigterm-ignored).
            nearMiss: .inspect(Snapshot.at("Config", "Cmd", .array([.string("/bin/sh"), .string("-c"), .string("python migrate.py; exec python app.py")])))),
        BreadthCase(
            "stop-signal-not-forwarded", .stopTimeout, log: ["serving on :8080"],
            inspect: Snapshot.at("Config", "Entrypoint", .array([.string("/bin/bash")])),
            says: ["entrypoint /bin/bash"],
            nearMiss: .log(["serving on :8080", "received SIGTERM, shutting down"])),
        BreadthCase(
            "shm-too-small", .die(1),
            log: ["ERROR:  could not resize shared memory segment \"/PostgreSQL.2088012784\" to 8388608 bytes: No space left on device"],
            inspect: Snapshot.at("HostConfig", "ShmSize", .number(1_048_576)),
            says: ["`--shm-size`, 1MiB here", "8388608 bytes", "--shm-size 256m", "shm_size: 256m", "The engine's disk is not full"],
            nearMiss: .log(["LOG:  created shared memory segment \"/PostgreSQL.2088012784\" (8388608 bytes)"])),
        BreadthCase(
            "no-space-left", .die(1), log: ["dd: error writing '/cache/blob.bin': No space left on device"],
            inspect: Snapshot.at("HostConfig", "Tmpfs", .object(["/cache": .string("size=1m")])),
            says: ["at /cache of size 1m", "--tmpfs /cache:size=64m", "tmpfs: [\"/cache:size=64m\"]"],
            nearMiss: .log(["dd: 2048+0 records out to '/cache/blob.bin'"])),
        BreadthCase(
            "address-not-available", .startFailure,
            inspect: Snapshot.stateError(
                "driver failed programming external connectivity on endpoint s13-web (271532fc2342): Error starting userland proxy: listen tcp4 10.254.254.254:28095: bind: cannot assign requested address"),
            says: ["host port 28095", "host IP 10.254.254.254", "`-p 127.0.0.1:28095:PORT`", "recreate it"],
            nearMiss: .inspect(Snapshot.stateError(
                "driver failed programming external connectivity on endpoint s13-web (271532fc2342): Error starting userland proxy: listen tcp4 0.0.0.0:28095: bind: address already in use"))),
        BreadthCase(
            "nonzero-exit-on-stop", .stopExit(1), log: ["received SIGTERM, draining connections", "shutdown complete"],
            says: ["exited 1 in answer to a stop", "with code 1 instead of 0 or 143", "exit 0"],
            nearMiss: .failure(.die(1))),
        BreadthCase(
            "network-none", .die(1), log: ["fetching jobs from http://queue:8080/jobs", "wget: bad address 'queue:8080'"],
            inspect: Snapshot.at("HostConfig", "NetworkMode", .string("none")),
            says: ["network mode `none`", "(queue did not)", "docker network disconnect none app", "docker network connect NETWORK app", "remove `network_mode: none`"],
            nearMiss: .inspect(Snapshot.at("HostConfig", "NetworkMode", .string("app_default")))),
        BreadthCase(
            "nproc-ulimit-reached", .die(2), log: ["starting 2 workers", "sh: can't fork: Resource temporarily unavailable"],
            inspect: Snapshot.merge(
                Snapshot.at("HostConfig", "Ulimits", .array([.object(["Name": .string("nproc"), "Soft": .number(4), "Hard": .number(4)])])),
                Snapshot.at("Config", "User", .string("4321:4321"))),
            says: ["`--ulimit nproc=4:4`", "user 4321:4321", "per user ID across the whole host", "--pids-limit N"],
            nearMiss: .inspect(Snapshot.at("HostConfig", "Ulimits", .array([.object(["Name": .string("nofile"), "Soft": .number(1024), "Hard": .number(4096)])])))),
        BreadthCase(
            "log-driver-failed", .startFailure,
            inspect: Snapshot.merge(
                Snapshot.stateError("failed to initialize logging driver: dial tcp 127.0.0.1:5514: connect: connection refused"),
                Snapshot.at("HostConfig", "LogConfig", .object(["Type": .string("syslog"), "Config": .object(["syslog-address": .string("tcp://127.0.0.1:5514")])]))),
            says: ["its logging driver (syslog)", "its collector at 127.0.0.1:5514", "`--log-opt syslog-address=…`", "a `udp://` address"],
            nearMiss: .inspect(Snapshot.stateError("failed to create task for container: failed to create shim task: OCI runtime create failed: unknown"))),
    ]

    /// A full tmpfs or /dev/shm is memory, not the engine's disk: pruning images cannot free it.
    @Test(arguments: ["dd: error writing '/cache/blob.bin': No space left on device", "dd: error writing '/dev/shm/seg': No space left on device"])
    func noSpaceLeftInMemoryDoesNotPrune(line: String) throws {
        let playbook = try #require(Self.library.playbook(id: "no-space-left"))
        let inspect = line.contains("/cache") ? Snapshot.at("HostConfig", "Tmpfs", .object(["/cache": .string("size=1m")])) : .object([:])
        let context = BreadthCase.context(.die(1), log: [line], inspect: inspect)
        let matcher = PlaybookMatcher(playbooks: Self.library.playbooks)
        let rendered = matcher.render(playbook, context)
        #expect(matcher.evaluate(playbook.match, context))
        #expect(!rendered.fix.contains("prune"), "\(rendered.fix)")
        #expect(!rendered.diagnosis.contains("no max-size"), "\(rendered.diagnosis)")
    }
}
