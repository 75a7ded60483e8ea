import BlackboxStore
import DockerEngine
import Foundation
import Playbooks
import Testing

extension BuiltinPlaybookBreadthTests {
    /// The cases of the failures an evaluation took from public reports and reproduced (issue 18: sessions
    /// docker-socket-permission-denied, docker-socket-unreachable, node-heap-out-of-memory, privileged-port-non-root, secret-file-too-open, stale-pid-file,
    /// main-process-daemonized, bind-file-became-directory, dns-server-unreachable,
    /// env-var-name-typo, sigpipe-pipefail), and of the tester's attempts to break their diagnoses.
    static let realFailureCases: [BreadthCase] = [
        BreadthCase(
            "mount-type-mismatch", .die(1), log: [#"nginx: [crit] pread() "/etc/nginx/conf.d/site.conf" failed (21: Is a directory)"#],
            inspect: Snapshot.merge(
                Snapshot.mounts([Snapshot.mount(type: "bind", source: "/srv/proxy/site.conf", destination: "/etc/nginx/conf.d/site.conf", rw: false)]),
                Snapshot.at("State", "StartedAt", .string("2026-12-02T17:58:10.119Z"))),
            says: ["/etc/nginx/conf.d/site.conf is bind-mounted from /srv/proxy/site.conf", "rmdir /srv/proxy/site.conf", "docker rm app"],
            nearMiss: .inspect(Snapshot.mounts([Snapshot.mount(type: "bind", source: "/srv/proxy/conf.d", destination: "/etc/nginx/conf.d", rw: false)]))),
        BreadthCase(
            "socket-permission-denied", .die(1),
            log: ["Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: dial unix /var/run/docker.sock: connect: permission denied"],
            inspect: Snapshot.merge(
                Snapshot.mounts([Snapshot.mount(type: "bind", source: "/var/run/docker.sock", destination: "/var/run/docker.sock")]),
                Snapshot.at("Config", "User", .string("1000:1000"))),
            says: ["denied connecting to the socket /var/run/docker.sock", "--group-add", "controls the engine"],
            nearMiss: .inspect(Snapshot.at("Config", "User", .string("root")))),
        BreadthCase(
            "docker-socket-unreachable", .die(1),
            log: [#"level=fatal msg="Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json\": dial unix /var/run/docker.sock: connect: no such file or directory""#],
            inspect: Snapshot.mounts([Snapshot.mount(type: "bind", source: "/run/docker.sock", destination: "/run/docker.sock", rw: false)]),
            says: [
                "Nothing is mounted at /var/run/docker.sock in the container", "mounted at /run/docker.sock instead",
                "-v /run/docker.sock:/var/run/docker.sock", "DOCKER_HOST=unix:///run/docker.sock",
            ],
            nearMiss: .log(["level=info msg=\"connected to the Docker engine at unix:///var/run/docker.sock\""])),
        BreadthCase(
            "node-heap-out-of-memory", .die(134),
            log: [
                "[1:0x5581d6a4e2c0]  7904197 ms: Mark-sweep 2025.0 (2051.1) -> 2024.4 (2051.4) MB, 1549.9 / 0.0 ms  (average mu = 0.105, current mu = 0.003) allocation failure scavenge might not succeed",
                "FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory",
            ],
            inspect: Snapshot.at("HostConfig", "Memory", .number(4_294_967_296)),
            says: ["ran out of JavaScript heap", "2024.4 MB", "no --max-old-space-size in NODE_OPTIONS", "4GiB", "--max-old-space-size=MIB"],
            nearMiss: .log(["FATAL ERROR: v8::ToLocalChecked Empty MaybeLocal."])),
        BreadthCase(
            "secret-file-too-open", .die(1), log: ["time=\"2026-12-02T22:10:05Z\" level=error msg=\"The ACME resolver \\\"le\\\" is skipped from the resolvers list because: unable to get ACME account: permissions 644 for /acme.json are too open, please use 600\""],
            inspect: Snapshot.mounts([Snapshot.mount(type: "bind", source: "/srv/traefik/acme.json", destination: "/acme.json")]),
            says: ["the key file /acme.json", "bind-mounted from /srv/traefik/acme.json", "`chmod 0600 /srv/traefik/acme.json`"],
            nearMiss: .log(["permissions 600 for /acme.json are fine"])),
        BreadthCase(
            "redis-aof-corrupt", .die(1),
            log: ["1:M 03 Dec 2026 08:24:20.000 # Bad file format reading the append only file appendonly.aof.1.incr.aof: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>"],
            inspect: Snapshot.mounts([.object(["Type": .string("volume"), "Name": .string("cache-data"), "Source": .string("/var/lib/docker/volumes/cache-data/_data"), "Destination": .string("/data"), "RW": .bool(true)])]),
            says: ["append-only file appendonly.aof.1.incr.aof", "the volume cache-data", "redis-check-aof --fix *.manifest", "-v cache-data:/data"],
            nearMiss: .log(["1:M 03 Dec 2026 08:24:20.000 * DB loaded from append only file: 0.001 seconds"])),
        BreadthCase(
            "nginx-config-invalid", .die(1), log: ["nginx: [emerg] invalid number of arguments in \"proxy_pass\" directive in /etc/nginx/nginx.conf:42"],
            inspect: Snapshot.mounts([Snapshot.mount(type: "bind", source: "/srv/web/nginx.conf", destination: "/etc/nginx/nginx.conf", rw: false)]),
            says: ["/etc/nginx/nginx.conf line 42", "bind-mounted from /srv/web/nginx.conf", "-v /srv/web/nginx.conf:/etc/nginx/nginx.conf:ro IMAGE nginx -t"],
            nearMiss: .log(["nginx: [emerg] host not found in upstream \"api:8080\" in /etc/nginx/conf.d/default.conf:3"])),
        BreadthCase(
            "postgres-data-dir-ownership", .die(1),
            log: ["2026-12-03 08:21:21.000 UTC [1] FATAL:  data directory \"/var/lib/postgresql/data\" has invalid permissions", "2026-12-03 08:21:21.000 UTC [1] DETAIL:  Permissions should be u=rwx (0700) or u=rwx,g=rx (0750)."],
            inspect: Snapshot.mounts([Snapshot.mount(type: "bind", source: "/mnt/share/pg", destination: "/var/lib/postgresql/data")]),
            says: ["has invalid permissions", "mode 0700", "`chmod 0700 /mnt/share/pg`", "use a named volume"],
            nearMiss: .log(["2026-12-03 08:21:21.000 UTC [1] LOG:  database system is ready to accept connections"])),
        BreadthCase(
            "mysql-data-dir-not-empty", .die(1),
            log: ["2026-12-03T08:21:42.000000Z 0 [ERROR] [MY-010457] [Server] --initialize specified but the data directory has files in it. Aborting.", "2026-12-03T08:21:42.000000Z 0 [ERROR] [MY-013236] [Server] The designated data directory /var/lib/mysql/ is unusable. You can remove all files that the server added to it."],
            inspect: Snapshot.mounts([Snapshot.mount(type: "bind", source: "/mnt/disk1", destination: "/var/lib/mysql")]),
            says: ["data directory /var/lib/mysql", "lost+found", "`mkdir /mnt/disk1/mysql`", "-v /mnt/disk1/mysql:/var/lib/mysql"],
            nearMiss: .log(["2026-12-03T08:21:42.000000Z 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections."])),
        BreadthCase(
            "nofile-limit-too-low", .die(78), log: ["ERROR: [1] bootstrap checks failed", "[1]: max file descriptors [1024] for elasticsearch process is too low, increase to at least [65535]"],
            says: ["max file descriptors [1024]", "--ulimit nofile=65535:65535", "ulimits: {nofile: {soft: 65535, hard: 65535}}", "LimitNOFILE"],
            nearMiss: .log(["ERROR: [1] bootstrap checks failed", "[1]: max virtual memory areas vm.max_map_count [65530] is too low, increase to at least [262144]"])),
        BreadthCase(
            "rlimit-refused", .startFailure,
            inspect: Snapshot.merge(
                Snapshot.stateError("failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error setting rlimits for ready process: error setting rlimit type 8: operation not permitted: unknown"),
                Snapshot.at("HostConfig", "Ulimits", .array([.object(["Name": .string("memlock"), "Soft": .number(-1), "Hard": .number(-1)])]))),
            says: ["rlimit type 8 is memlock", "LimitMEMLOCK=infinity", "grep 'open files' /proc/$(pidof dockerd)/limits"],
            nearMiss: .inspect(Snapshot.stateError("failed to create shim task: OCI runtime create failed: unable to start container process: exec: \"app\": executable file not found in $PATH: unknown"))),
        BreadthCase(
            "tls-ca-missing", .die(1),
            log: ["requests.exceptions.SSLError: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)')))"],
            says: ["could not verify the TLS certificate of pypi.org", "apk add --no-cache ca-certificates", "Keep certificate verification on"],
            nearMiss: .log(["requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded"])),
        BreadthCase(
            "illegal-instruction", .die(132), log: ["Illegal instruction (core dumped)"],
            says: ["killed by SIGILL (exit code 132)", "not from a sender", "AVX or AVX2", "-march=x86-64-v2", "/proc/cpuinfo"],
            nearMiss: .failure(.die(139))),
        BreadthCase(
            "home-not-writable", .die(1), log: ["PermissionError: [Errno 13] Permission denied: '/.cache'"],
            inspect: Snapshot.at("Config", "User", .string("1000")),
            says: ["runs as user 1000", "HOME to `/`", "/.cache", "-e HOME=/tmp"],
            nearMiss: .inspect(Snapshot.merge(Snapshot.at("Config", "User", .string("1000")), Snapshot.env(["HOME=/home/app"])))),
        BreadthCase(
            "data-dir-locked", .die(1), log: ["2024-01-05 10:00:01 0 [ERROR] mariadbd: Can't lock aria control file '/var/lib/mysql/aria_log_control' for exclusive use, error: 11. Will retry for 30 seconds"],
            inspect: Snapshot.mounts([.object(["Type": .string("volume"), "Name": .string("db-data"), "Source": .string("/var/lib/docker/volumes/db-data/_data"), "Destination": .string("/var/lib/mysql"), "RW": .bool(true)])]),
            says: ["another server is using the same data directory, the volume db-data", "`docker ps --filter volume=db-data`", "Do not delete"],
            nearMiss: .log(["2024-01-05 10:00:01 0 [Note] InnoDB: Using Linux native AIO"])),
        BreadthCase(
            "aborted", .die(134),
            log: ["terminate called after throwing an instance of 'std::runtime_error'", "  what():  cannot open /data/index.lock", "Aborted (core dumped)"],
            says: ["aborted itself (SIGABRT, exit code 134)", "Log: what():  cannot open /data/index.lock"],
            nearMiss: .failure(.die(1))),
        BreadthCase(
            "stale-pid-file", .die(1),
            log: ["=> Booting Puma", "A server is already running. Check /mastodon/tmp/pids/server.pid.", "Exiting"],
            inspect: Snapshot.mounts([Snapshot.mount(type: "bind", source: "/srv/mastodon", destination: "/mastodon")]),
            says: [
                "the pid file /mastodon/tmp/pids/server.pid", "on the host, at /srv/mastodon/tmp/pids/server.pid",
                "`rm -f /srv/mastodon/tmp/pids/server.pid`", "--tmpfs /mastodon/tmp/pids",
            ],
            nearMiss: .log(["=> Booting Puma", "* Listening on http://0.0.0.0:3000"])),
        BreadthCase(
            "privileged-port-denied", .die(1), log: ["Error: listen EACCES: permission denied 0.0.0.0:443"],
            inspect: Snapshot.merge(Snapshot.at("Config", "User", .string("node")), Snapshot.at("HostConfig", "NetworkMode", .string("host"))),
            says: ["runs as user node", "listening on port 443", "with --network host the host's value applies", "8443 for 443"],
            nearMiss: .inspect(Snapshot.at("Config", "User", .string("root")))),
        BreadthCase(
            "clean-exit-loop", .die(0), log: ["Starting nginx: nginx."],
            inspect: Snapshot.merge(Snapshot.at("HostConfig", "RestartPolicy", .object(["Name": .string("always")])), Snapshot.at("Config", "Cmd", .array([.string("nginx")]))),
            says: ["keeps exiting with code 0", "restart policy always", "nginx -g 'daemon off;'", "docker update --restart no app"],
            nearMiss: .inspect(Snapshot.at("HostConfig", "RestartPolicy", .object(["Name": .string("on-failure")])))),
        BreadthCase(
            "dependency-name-not-resolved", .die(6), log: ["curl: (6) Could not resolve host: api.github.com", "Temporary failure in name resolution"],
            inspect: Snapshot.at("HostConfig", "Dns", .array([.string("10.0.0.53")])),
            says: ["did not resolve: api.github.com", "10.0.0.53, set for this container", "--dns 10.0.0.53"],
            nearMiss: .log(["INFO resolved api.github.com in 3 ms"])),
        BreadthCase(
            "dependency-name-not-resolved", .die(1), log: ["Server:    192.0.2.53", "nslookup: can't resolve 'example.org'"],
            inspect: Snapshot.at("HostConfig", "Dns", .array([.string("192.0.2.53")])),
            says: ["did not resolve: example.org", "192.0.2.53, set for this container"],
            nearMiss: .log(["Name:      example.org", "Address 1: 93.184.216.34"])),
        BreadthCase(
            "dependency-name-not-resolved", .die(1), log: ["wget: bad address 'db:5432'"],
            inspect: Snapshot.at("HostConfig", "NetworkMode", .string("default")),
            says: ["default bridge network", "user-defined network", "docker network create"],
            nearMiss: .log(["wget: downloaded 'db.tar'"])),
        BreadthCase(
            "env-var-misspelled", .die(1),
            log: [
                "Error: Database is uninitialized and superuser password is not specified.",
                "       You must specify POSTGRES_PASSWORD to a non-empty value for the",
                "       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\".",
            ],
            inspect: Snapshot.env(["POSTGRES_USER=app", "POSTGRES_PASSWROD=<redacted:8-15>"]),
            says: [
                "needs the environment variable POSTGRES_PASSWORD", "the container has POSTGRES_PASSWROD instead",
                "Its log says: You must specify POSTGRES_PASSWORD to a non-empty value for the", "`docker run -e POSTGRES_PASSWORD=…`",
                "`-e POSTGRES_PASSWROD=…`",
            ],
            // Spelled right, the variable is set: the complaint is about its value.
            nearMiss: .inspect(Snapshot.env(["POSTGRES_USER=app", "POSTGRES_PASSWORD=<redacted:0>"]))),
        BreadthCase(
            "env-var-misspelled", .die(1),
            log: ["Traceback (most recent call last):", "    raise KeyError(key) from None", "KeyError: 'API_BASE_URL'"],
            inspect: Snapshot.env(["API_BASE_URI=<redacted:8-15>"]),
            // Also python-env-var-missing (as specific): the misspelling is the cause it does not see.
            says: ["needs the environment variable API_BASE_URL", "has API_BASE_URI instead"],
            nearMiss: .inspect(Snapshot.env(["DATABASE_URL=<redacted:8-15>"]))),
        BreadthCase(
            "env-var-misspelled", .die(2), log: ["/entrypoint.sh: line 3: UPSTREAM_TOKEN: parameter not set"],
            inspect: Snapshot.env(["UPSTREAM_TOKNE=<redacted:8-15>"]),
            says: ["needs the environment variable UPSTREAM_TOKEN", "has UPSTREAM_TOKNE instead"],
            nearMiss: .log(["/entrypoint.sh: line 3: UPSTREAM_TOKEN: using the default"])),
        BreadthCase(
            "broken-pipe", .die(141), log: ["generating session secret"],
            inspect: Snapshot.merge(
                Snapshot.at("Config", "Cmd", .array([.string("sh"), .string("-c"), .string("set -eo pipefail; SECRET=$(tr -dc a-f0-9 </dev/urandom | head -c 32)")])),
                .object(["Path": .string("sh"), "Args": .array([.string("-c"), .string("set -eo pipefail; SECRET=$(tr -dc a-f0-9 </dev/urandom | head -c 32)")])])),
            says: [
                "141 = 128 + SIGPIPE", "Nothing outside the container sent a signal", "its main process is a shell (sh) and its command sets pipefail",
                "The last line it printed: generating session secret", "after \"generating session secret\"", "set +o pipefail", "|| true",
            ],
            // `docker kill -s PIPE` did send it: killed-by-signal is right.
            nearMiss: .failure(.killed(signal: "13", exitCode: 141))),
        BreadthCase(
            "broken-pipe", .die(141),
            says: ["141 = 128 + SIGPIPE", "Find the pipeline that runs first in the entrypoint or command"],
            nearMiss: .failure(.die(143))),
    ]
}
