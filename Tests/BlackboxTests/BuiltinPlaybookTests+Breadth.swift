import BlackboxStore
import DockerEngine
import Foundation
import Playbooks
import Testing

/// The built-in playbooks of the breadth research (`playbooks/SOURCES.md`), each matched against a failure built
/// in memory from the messages of its public threads, and against a near miss: the same words in a harmless line,
/// or the same line without the setting that explains it.
@Suite struct BuiltinPlaybookBreadthTests {
    /// Every new playbook with one or more failures it must explain, what its text must say, and a near miss.
    static let cases: [BreadthCase] = evaluationCases + realFailureCases + reportedFailureCases + [
        BreadthCase(
            "exec-format-error", .die(1), log: ["standard_init_linux.go:228: exec user process caused: exec format error"],
            says: ["another CPU", "docker image inspect example/app:1 | grep Architecture"],
            nearMiss: .log(["INFO checking plugins for exec format errors: none found"])),
        BreadthCase(
            "exec-format-error", .startFailure,
            inspect: Snapshot.stateError(
                "failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"/usr/local/bin/app\": exec format error: unknown"),
            says: ["Engine error: failed to create task"],
            nearMiss: .inspect(Snapshot.stateError("failed to create task for container: failed to create shim task: OCI runtime create failed: unknown"))),
        BreadthCase(
            "interpreter-not-found", .die(255), log: ["exec /entrypoint.sh: no such file or directory"],
            says: ["program /entrypoint.sh exists", "`docker cp app:/entrypoint.sh - | tar -xO | head -c 64 | od -c`", "never on a binary", "eol=lf"],
            nearMiss: .log(["cp: cannot stat '/tmp/seed.sql': No such file or directory", "mkdir: can't create directory '/data/x': No such file or directory"])),
        BreadthCase(
            "interpreter-not-found", .die(1), log: ["standard_init_linux.go:211: exec user process caused \"no such file or directory\""],
            says: ["`docker cp app:SCRIPT - | tar -xO | head -c 64 | od -c`", "with the script's path"],
            nearMiss: .log(["ls: /docker-entrypoint.d/: No such file or directory"])),
        BreadthCase(
            "interpreter-not-found", .die(127), log: ["env: can't execute 'sh\r': No such file or directory"],
            inspect: Snapshot.at("Config", "Entrypoint", .array([.string("/docker-entrypoint.sh")])),
            says: ["starts with an env line for sh (`#!/usr/bin/env sh` or `#!/bin/env sh`) and was saved with Windows line ends", "exited 127", "(entrypoint /docker-entrypoint.sh)", "sed -i 's/\\r$//'"],
            nearMiss: .log(["env: can't execute 'sh': No such file or directory"])),
        BreadthCase(
            "interpreter-not-found", .die(127), log: ["/usr/bin/env: ‘bash\\r’: No such file or directory"],
            says: ["`#!/usr/bin/env bash`", "a program named bash followed by a carriage return"],
            nearMiss: .log(["/usr/bin/env: 'bash': No such file or directory"])),
        BreadthCase(
            "mount-type-mismatch", .startFailure,
            inspect: Snapshot.merge(
                Snapshot.mounts([Snapshot.mount(type: "bind", source: "/srv/dockerfiles/crowdsec/yml/acquis.yaml", destination: "/etc/crowdsec/acquis.yaml")]),
                Snapshot.stateError(
                "failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error mounting \"/srv/dockerfiles/crowdsec/yml/acquis.yaml\" to rootfs at \"/etc/crowdsec/acquis.yaml\": mount src=/srv/dockerfiles/crowdsec/yml/acquis.yaml, dst=/etc/crowdsec/acquis.yaml, dstFd=/proc/thread-self/fd/8, flags=0x5000: not a directory: unknown: Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type")),
            says: ["rmdir /srv/dockerfiles/crowdsec/yml/acquis.yaml", "onto /etc/crowdsec/acquis.yaml"],
            nearMiss: .inspect(Snapshot.stateError(
                "error during container init: error mounting \"/srv/conf\" to rootfs at \"/etc/conf\": mount src=/srv/conf, dst=/etc/conf: permission denied: unknown"))),
        BreadthCase(
            "mount-type-mismatch", .startFailure,
            inspect: Snapshot.merge(
                Snapshot.mounts([Snapshot.mount(type: "bind", source: "/home/vallabh/Study/Gsoc/CHAOSS/credentials.cfg", destination: "/mordred-override.cfg")]),
                Snapshot.stateError(
                #"OCI runtime create failed: container_linux.go:296: starting container process caused "process_linux.go:398: container init caused \"rootfs_linux.go:58: mounting \\\"/home/vallabh/Study/Gsoc/CHAOSS/credentials.cfg\\\" to rootfs \\\"/var/lib/docker/overlay2/e841/merged\\\" at \\\"/var/lib/docker/overlay2/e841/merged/mordred-override.cfg\\\" caused \\\"not a directory\\\"\"": unknown: Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type"#)),
            says: ["ls -ld /home/vallabh/Study/Gsoc/CHAOSS/credentials.cfg"],
            nearMiss: .inspect(Snapshot.stateError("OCI runtime create failed: container_linux.go:296: starting container process caused: permission denied: unknown"))),
        BreadthCase(
            "mount-source-missing", .startFailure,
            inspect: Snapshot.merge(
                Snapshot.mounts([Snapshot.mount(type: "bind", source: "/data/compose/15/configs", destination: "/configs")]),
                Snapshot.stateError("invalid mount config for type \"bind\": bind source path does not exist: /data/compose/15/configs")),
            says: ["mkdir -p /data/compose/15/configs", "the engine's host"],
            nearMiss: .inspect(Snapshot.stateError("invalid mount config for type \"volume\": invalid mount path: 'data' mount path must be absolute"))),
        BreadthCase(
            "network-not-found", .startFailure,
            inspect: Snapshot.stateError(
                "failed to create endpoint ubooquity on network docker-lab2: network id \"05669dcbecbb4298cca6f59517b6adad1a66081a7c28658213a37dc710392650\" not found"),
            says: ["docker compose up -d --force-recreate app", "docker network disconnect -f 05669dcbecbb4298cca6f59517b6adad1a66081a7c28658213a37dc710392650 app"],
            nearMiss: .inspect(Snapshot.stateError("driver failed programming external connectivity on endpoint app: network sandbox join failed: subnet not found"))),
        BreadthCase(
            "user-not-found", .startFailure,
            inspect: Snapshot.stateError("unable to find user alvaro: no matching entries in passwd file"),
            says: ["the name alvaro is not in the image's `/etc/passwd`", "--user 1000:1000", "adduser -D -u 1000 alvaro"],
            nearMiss: .inspect(Snapshot.stateError("unable to find user alvaro: permission denied"))),
        BreadthCase(
            "device-not-found", .startFailure,
            inspect: Snapshot.stateError("error gathering device information while adding custom device \"/dev/kvm\": no such file or directory"),
            says: ["host device /dev/kvm", "ls -l /dev/kvm", "modprobe kvm_intel"],
            nearMiss: .inspect(Snapshot.stateError("error gathering device information while adding custom device \"/dev/ttyUSB0\": not a device node"))),
        BreadthCase(
            "unknown-runtime", .startFailure,
            inspect: Snapshot.merge(Snapshot.stateError("Error response from daemon: unknown or invalid runtime name: nvidia"), Snapshot.at("HostConfig", "Runtime", .string("nvidia"))),
            says: ["runtime nvidia", "nvidia-ctk runtime configure --runtime=docker", "drop `--runtime nvidia`"],
            nearMiss: .inspect(Snapshot.stateError("failed to create task for container: failed to create shim task: OCI runtime create failed: unknown"))),
        BreadthCase(
            "capability-dropped", .die(1), log: ["su-exec: setgroups: Operation not permitted"],
            inspect: Snapshot.at("HostConfig", "CapDrop", .array([.string("ALL")])),
            says: ["capabilities dropped (ALL", "The refused call is setgroups", "--cap-add SETGID"],
            nearMiss: .inspect(Snapshot.at("HostConfig", "CapDrop", .null))),
        BreadthCase(
            "python-module-not-found", .die(1),
            log: ["Traceback (most recent call last):", "  File \"/app/main.py\", line 1, in <module>", "    import click", "ModuleNotFoundError: No module named 'click'"],
            says: ["could not import click", "-c 'import click'"],
            nearMiss: .log(["WARNING: optional speedups unavailable (No module named 'ujson'), using json"])),
        BreadthCase(
            "python-module-not-found", .die(1), log: ["/usr/local/bin/python: No module named local_tuya"],
            inspect: Snapshot.mounts([Snapshot.mount(type: "bind", source: "/home/me/tuya", destination: "/app")]),
            says: ["could not import local_tuya", "a bind mount at /app replaces"],
            nearMiss: .log(["/usr/local/bin/python: checking for module named local_tuya"])),
        BreadthCase(
            "node-module-not-found", .die(1),
            log: [
                "node:internal/modules/cjs/loader:1210", "  throw err;", "  ^", "", "Error: Cannot find module 'express'",
                "    at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)", "  code: 'MODULE_NOT_FOUND',",
            ],
            inspect: Snapshot.mounts([Snapshot.mount(type: "bind", source: "/home/me/chat", destination: "/app")]),
            says: ["the module express", "A bind mount at /app hides", "/app/node_modules"],
            nearMiss: .log(["npm WARN optional SKIPPING OPTIONAL DEPENDENCY: Cannot find module 'fsevents'"])),
        BreadthCase(
            "shared-library-missing", .die(127), log: ["./java: error while loading shared libraries: libz.so.1: cannot open shared object file: No such file or directory"],
            says: ["the library libz.so.1", "apt-file search libz.so.1"],
            // Exit 127 also matches command-cannot-run (its exit-code branch): the loader's line is the more specific.
            nearMiss: .log(["INFO loading shared libraries from /usr/lib: 42 found"])),
        BreadthCase(
            "shared-library-missing", .die(1),
            log: ["Error loading shared library ld-linux-x86-64.so.2: No such file or directory (needed by /usr/local/bin/f5fpc)"],
            says: ["the library ld-linux-x86-64.so.2", "apk add gcompat"],
            nearMiss: .log(["ldconfig: skipping shared library ld-linux-x86-64.so.2 (not a symlink)"])),
        BreadthCase(
            "java-class-not-found", .die(1),
            log: ["Error: Could not find or load main class com.artipie.Main", "Caused by: java.lang.ClassNotFoundException: com.artipie.Main"],
            says: ["the class com.artipie.Main", "jar tf app.jar"],
            nearMiss: .log(["DEBUG [main] loader: Could not find or load main class candidates in /plugins, skipping"])),
        BreadthCase(
            "config-file-missing", .die(1),
            log: [
                "2019/08/21 17:14:03 [emerg] 1#1: open() \"/etc/nginx/nginx.conf\" failed (2: No such file or directory)",
                "nginx: [emerg] open() \"/etc/nginx/nginx.conf\" failed (2: No such file or directory)",
            ],
            inspect: Snapshot.mounts([Snapshot.mount(type: "bind", source: "/mnt/d/nginx/conf", destination: "/etc/nginx")]),
            says: ["is missing: /etc/nginx/nginx.conf", "bind-mounts /mnt/d/nginx/conf at /etc/nginx", "docker run --rm --entrypoint cat example/app:1 /etc/nginx/nginx.conf", "ls -la /mnt/d/nginx/conf"],
            nearMiss: .log(["INFO: no config file found at /etc/app/app.yml, using defaults"])),
        BreadthCase(
            "python-env-var-missing", .die(1),
            log: [
                "Traceback (most recent call last):", "  File \"server.py\", line 7, in <module>", "    import settings",
                "  File \"/app/settings.py\", line 24, in <module>", "    API_BASE_URL = validate_api_base_url(os.environ[\"API_BASE_URL\"])",
                "  File \"/usr/local/lib/python3.8/os.py\", line 675, in __getitem__", "    raise KeyError(key) from None", "KeyError: 'API_BASE_URL'",
            ],
            says: ["the environment variable API_BASE_URL", "docker run -e API_BASE_URL=VALUE", "environment: API_BASE_URL: VALUE"],
            nearMiss: .log(["Traceback (most recent call last):", "  File \"/app/cache.py\", line 9, in get", "    return self.items[key]", "KeyError: 'SESSION'"])),
        BreadthCase(
            "python-traceback", .die(1),
            log: [
                "Traceback (most recent call last):", "  File \"/app/newTrackon/run.py\", line 34, in <module>", "    db.ensure_db_existence()",
                "  File \"/app/newTrackon/newTrackon/db.py\", line 18, in create_db", "    conn = sqlite3.connect(db_file)",
                "sqlite3.OperationalError: unable to open database file",
            ],
            says: ["exception: sqlite3.OperationalError: unable to open database file", "File \"/app/newTrackon/newTrackon/db.py\", line 18, in create_db"],
            rankedFirst: "sqlite-cannot-open",
            nearMiss: .log(["WARNING: a worker printed 'Traceback (most recent call last):' and recovered"])),
        BreadthCase(
            "go-panic", .die(2),
            log: [
                "panic: runtime error: invalid memory address or nil pointer dereference",
                "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1bbfd5c]", "", "goroutine 242 [running]:",
                "github.com/coroot/coroot-node-agent/containers.(*Process).Close(0xc001d06380)",
            ],
            says: ["panicked and exited 2: runtime error: invalid memory address", "SIGSEGV: segmentation violation"],
            nearMiss: .log(["level=warn msg=\"recovered from panic: nil map write\" goroutine=12"])),
        BreadthCase(
            "java-out-of-memory", .die(1),
            log: ["Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space", "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)"],
            inspect: Snapshot.merge(Snapshot.env(["JAVA_OPTS=-Xmx256m"]), Snapshot.at("HostConfig", "Memory", .number(536_870_912))),
            says: ["out of memory (Java heap space)", "-Xmx256m", "limit is 512MiB", "-XX:MaxRAMPercentage=75"],
            nearMiss: .log(["INFO heap monitor: no java.lang.OutOfMemoryError since start"])),
        BreadthCase(
            "pids-limit-reached", .die(1), log: ["/entrypoint.sh: fork: retry: Resource temporarily unavailable"],
            inspect: Snapshot.at("HostConfig", "PidsLimit", .number(100)),
            says: ["process limit of 100", "docker update --pids-limit 200 app", "pids_limit: 200"],
            nearMiss: .inspect(Snapshot.at("HostConfig", "PidsLimit", .null))),
        BreadthCase(
            "too-many-open-files", .die(1),
            log: [
                "2015-08-04T17:43:54.351+0000 E STORAGE  [initandlisten] WiredTiger (24) [1438710234:351024][1:0x7fe4f3f20b60], file:collection-2071.wt, session.open_cursor: /data/db/collection-2071.wt: Too many open files"
            ],
            inspect: Snapshot.at("HostConfig", "Ulimits", .array([.object(["Name": .string("nofile"), "Soft": .number(1024), "Hard": .number(4096)])])),
            says: ["open-files limit is 1024 (hard 4096)", "--ulimit nofile=65536:65536"],
            nearMiss: .log(["INFO raised the soft limit to avoid 'too many open files' errors"])),
        BreadthCase(
            "too-many-open-files", .die(1), log: ["OSError: [Errno 24] Too many open files: '/data/x'"],
            says: ["No `nofile` ulimit is set", "default-ulimits"],
            nearMiss: .log(["tuning: too many open files are cached, evicting 10"])),
        BreadthCase(
            "vm-max-map-count", .die(78),
            log: ["ERROR: [1] bootstrap checks failed", "[1]: max virtual memory areas vm.max_map_count [65530] is too low, increase to at least [262144]"],
            says: ["vm.max_map_count is 65530", "sysctl -w vm.max_map_count=262144", "/etc/sysctl.d/99-max-map-count.conf"],
            nearMiss: .log(["[INFO ][o.e.b.BootstrapChecks] enforcing bootstrap checks; max virtual memory areas vm.max_map_count [262144] ok"])),
        BreadthCase(
            "no-space-left", .die(1), log: ["2024-01-01 ERROR write /data/cache/blob-17: no space left on device"],
            inspect: Snapshot.mounts([Snapshot.mount(type: "volume", source: "/var/lib/docker/volumes/cache/_data", destination: "/data")]),
            says: ["such as /data", "(json-file driver) has no max-size", "docker system df", "--log-opt max-size=10m"],
            nearMiss: .log(["disk check: plenty of space left on device /dev/sda1 (87%)"])),
        BreadthCase(
            "volume-permission-denied", .die(1), log: ["Unhandled exception. System.UnauthorizedAccessException: Access to the path '/app/Covers/17.jpg' is denied. Permission denied"],
            inspect: Snapshot.merge(
                Snapshot.at("Config", "User", .string("1654:1654")),
                .object([
                    "Mounts": .array([
                        .object([
                            "Type": .string("volume"), "Name": .string("tranga_covers"), "Source": .string("/var/lib/docker/volumes/tranga_covers/_data"),
                            "Destination": .string("/app/Covers"), "RW": .bool(true),
                        ])
                    ])
                ])),
            says: ["runs as user 1654:1654", "named volume tranga_covers at /app/Covers", "docker run --rm -v tranga_covers:/app/Covers busybox chown -R 1654:1654 /app/Covers"],
            nearMiss: .inspect(Snapshot.at("Config", "User", .string("root")))),
        BreadthCase(
            "sqlite-cannot-open", .die(1), log: ["sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) unable to open database file"],
            inspect: Snapshot.merge(
                Snapshot.env(["SQLALCHEMY_DATABASE_URI=sqlite:///data/pdnsadmin.db"]),
                Snapshot.mounts([Snapshot.mount(type: "bind", source: "/opt/docker/containers/powerdns-admin/data", destination: "/data")])),
            says: ["The configured URL is sqlite:///data/pdnsadmin.db", "mkdir -p /opt/docker/containers/powerdns-admin/data"],
            nearMiss: .log(["INFO opened database file /data/app.db (wal mode)"])),
        BreadthCase(
            "postgres-data-dir-not-empty", .die(1),
            log: [
                "initdb: directory \"/var/lib/postgresql/data\" exists but is not empty", "It contains a lost+found directory, perhaps due to it being a mount point.",
                "Using a mount point directly as the data directory is not recommended.", "Create a subdirectory under the mount point.",
            ],
            inspect: Snapshot.mounts([Snapshot.mount(type: "volume", source: "/var/lib/docker/volumes/db/_data", destination: "/var/lib/postgresql/data")]),
            says: ["-e PGDATA=/var/lib/postgresql/data/pgdata", "It contains a lost+found directory", "mounted from /var/lib/docker/volumes/db/_data"],
            nearMiss: .log(["PostgreSQL Database directory appears to contain a database; Skipping initialization"])),
        BreadthCase(
            "postgres-version-mismatch", .die(1),
            log: [
                "2019-03-01 08:46:20.785 UTC [1] FATAL:  database files are incompatible with server",
                "2019-03-01 08:46:20.785 UTC [1] DETAIL:  The data directory was initialized by PostgreSQL version 10, which is not compatible with this version 11.2 (Debian 11.2-1.pgdg90+1).",
            ],
            says: ["initialised by PostgreSQL 10", "runs 11.2", "image: postgres:10"],
            nearMiss: .log(["LOG:  checking whether database files are compatible with server: ok"])),
        BreadthCase(
            "postgres-lock-file-exists", .die(1),
            log: ["FATAL:  lock file \"postmaster.pid\" already exists", "HINT:  Is another postmaster (PID 90) running in data directory \"/var/lib/postgresql/13/main\"?"],
            inspect: Snapshot.mounts([Snapshot.mount(type: "bind", source: "/srv/pg", destination: "/var/lib/postgresql")]),
            says: ["lock file postmaster.pid exists", "Is another postmaster (PID 90)", "rm /srv/pg/postmaster.pid"],
            nearMiss: .log(["LOG:  removed stale lock file \"postmaster.pid\""])),
        BreadthCase(
            "healthcheck-probe-missing", .unhealthy,
            inspect: Snapshot.health(
                output: "OCI runtime exec failed: exec failed: unable to start container process: exec: \"curl\": executable file not found in $PATH: unknown", exitCode: -1),
            says: ["the probe's program is not in the image", "exec: \"curl\"", "command -v curl wget nc", "Probe: CMD, curl"],
            nearMiss: .inspect(Snapshot.health(output: "curl: (22) The requested URL returned error: 404 Not Found", exitCode: 22))),
        BreadthCase(
            "healthcheck-probe-missing", .unhealthy, inspect: Snapshot.health(output: "/bin/sh: curl: not found\n", exitCode: 127),
            says: ["/bin/sh: curl: not found"],
            nearMiss: .inspect(Snapshot.health(output: "GET /health: 404 page not found\n", exitCode: 1))),
        BreadthCase(
            "healthcheck-timeout", .unhealthy, inspect: Snapshot.health(output: "Health check exceeded timeout (5s)", exitCode: -1),
            says: ["Health check exceeded timeout (5s)", "configured timeout is 5.0s", "--health-timeout 10s"],
            nearMiss: .inspect(Snapshot.health(output: "probe ok after 4.9s (timeout 5s)", exitCode: 1))),
        BreadthCase(
            "healthcheck-connection-refused", .unhealthy,
            inspect: Snapshot.merge(
                Snapshot.health(output: "curl: (7) Failed to connect to 127.0.0.1 port 7481 after 0 ms: Connection refused\n", exitCode: 7),
                Snapshot.at("Config", "Healthcheck", .object([
                    "Test": .array([.string("CMD-SHELL"), .string("curl -f http://127.0.0.1:7481/ || exit 1")]), "Timeout": .number(5e9),
                    "StartPeriod": .number(0), "Retries": .number(3),
                ]))),
            says: ["on port 7481", "netstat -ltn", "--health-start-period 60s", "start period now is 0ms"],
            nearMiss: .inspect(Snapshot.health(output: "curl: (22) The requested URL returned error: 500", exitCode: 22))),
        BreadthCase(
            "dependency-name-not-resolved", .die(1),
            log: ["psycopg2.OperationalError: could not translate host name \"db\" to address: Temporary failure in name resolution"],
            says: ["did not resolve: db", "network mode is app_default", "docker ps -a --filter name=db"],
            nearMiss: .log(["INFO resolved host name \"db\" to address 172.18.0.2"])),
        BreadthCase(
            "dependency-name-not-resolved", .die(1), log: ["Error: getaddrinfo ENOTFOUND database"],
            says: ["did not resolve: database"],
            nearMiss: .log(["DEBUG getaddrinfo database -> 172.18.0.3"])),
        BreadthCase(
            "dependency-name-not-resolved", .die(1), log: ["dial tcp: lookup redis on 127.0.0.11:53: no such host"],
            says: ["did not resolve: redis"],
            nearMiss: .log(["dial tcp: lookup redis on 127.0.0.11:53: ok"])),
        BreadthCase(
            "dependency-name-not-resolved", .die(1), log: ["wget: bad address 'db'"],
            says: ["did not resolve: db"],
            nearMiss: .log(["wget: download of 'db.json' completed"])),
        BreadthCase(
            "nginx-upstream-not-found", .die(1),
            log: [
                "2020/07/06 05:21:35 [emerg] 1#1: host not found in upstream \"php\" in /etc/nginx/conf.d/default.conf:16",
                "nginx: [emerg] host not found in upstream \"php\" in /etc/nginx/conf.d/default.conf:16",
            ],
            says: ["the upstream php named in /etc/nginx/conf.d/default.conf:16", "set $upstream http://php; proxy_pass $upstream;"],
            nearMiss: .log(["2020/07/06 05:21:35 [warn] 1#1: upstream server temporarily disabled while connecting to upstream \"php\""])),
        BreadthCase(
            "dependency-connection-refused", .die(1),
            log: ["Error: connect ECONNREFUSED 172.22.0.2:5432", "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1157:16) {", "  code: 'ECONNREFUSED',"],
            says: ["refused the connection (172.22.0.2:5432)", "condition: service_healthy"],
            nearMiss: .log(["INFO metrics: connection_refused_total=0 econnrefused_retries=0"])),
        BreadthCase(
            "dependency-connection-refused", .die(1),
            log: ["django.db.utils.OperationalError: (2003, \"Can't connect to MySQL server on '172.17.0.173' (111)\")"],
            says: ["refused the connection (172.17.0.173)"],
            nearMiss: .log(["django.db.utils: connected to MySQL server on '172.17.0.173'"])),
        BreadthCase(
            "localhost-is-the-container", .die(1), log: ["UnhandledPromiseRejectionWarning: Error: connect ECONNREFUSED 127.0.0.1:5432"],
            says: ["connected to 127.0.0.1:5432", "network mode app_default", "`db:5432`"],
            nearMiss: .inspect(Snapshot.at("HostConfig", "NetworkMode", .string("host")))),
        BreadthCase(
            "localhost-is-the-container", .die(1), log: ["nc: can't connect to remote host (127.0.0.1): Connection refused"],
            says: ["connected to 127.0.0.1"],
            nearMiss: .log(["dial tcp 172.18.0.4:5432: connect: connection refused (resolver 127.0.0.11)"])),
        BreadthCase(
            "postgres-auth-failed", .die(1),
            log: ["psycopg2.OperationalError: connection to server at \"db\" (172.18.0.2), port 5432 failed: FATAL:  password authentication failed for user \"postgres\""],
            says: ["rejected the password for user postgres", "ALTER USER postgres WITH PASSWORD 'NEW'"],
            nearMiss: .inspect(Snapshot.at("Config", "Image", .string("postgres:16")))),
        BreadthCase(
            "mysql-access-denied", .die(1), log: ["MySQL Connection Error: (1045) Access denied for user 'root'@'172.18.0.3' (using password: YES)"],
            says: ["denied access to root from 172.18.0.3", "ALTER USER 'root'@'%'"],
            nearMiss: .inspect(Snapshot.at("Config", "Image", .string("mysql:5.7")))),
        BreadthCase(
            "stop-signal-not-forwarded", .stopTimeout,
            inspect: Snapshot.at("Config", "Cmd", .array([.string("/bin/sh"), .string("-c"), .string("python app.py")])),
            says: ["command /bin/sh, -c, python app.py", "exec \"$@\"", "init: true"],
            nearMiss: .inspect(Snapshot.at("Config", "Cmd", .array([.string("python"), .string("app.py")])))),
    ]

    /// A `docker kill -s PIPE` sent the signal: the fallback that says so is the diagnosis, not a broken pipe.
    @Test func aSigpipeSentByDockerKillIsKilledBySignal() throws {
        let context = BreadthCase.context(.killed(signal: "13", exitCode: 141), log: ["generating session secret"], inspect: .object([:]))
        let matches = PlaybookMatcher(playbooks: Self.library.playbooks).matches(context)
        #expect(matches.first?.playbook.id == "killed-by-signal", "\(matches.map(\.playbook.id))")
        #expect(matches.first?.diagnosis.contains("after a `kill` with signal 13") == true, "\(matches.first?.diagnosis ?? "")")
    }

    /// Parsed once: the built-ins are the same for every case.
    static let library = PlaybookLibrary.builtIn

    @Test(arguments: cases)
    func explainsTheFailure(_ failure: BreadthCase) throws {
        let playbook = try #require(Self.library.playbook(id: failure.playbook), "no built-in \(failure.playbook)")
        let context = failure.context()
        let matcher = PlaybookMatcher(playbooks: Self.library.playbooks)
        #expect(matcher.evaluate(playbook.match, context), "\(failure.playbook) does not match its own failure")
        // The cause is the diagnosis: ranked before the generic playbooks that match the same failure.
        #expect(matcher.matches(context).first?.playbook.id == (failure.rankedFirst ?? failure.playbook), "ranked: \(matcher.matches(context).map(\.playbook.id))")
        let rendered = matcher.render(playbook, context)
        let text = rendered.diagnosis + "\n" + rendered.fix
        for phrase in failure.says { #expect(text.contains(phrase), "\(failure.playbook) does not say \"\(phrase)\": \(text)") }
        // The inputs may say "unknown" themselves (the engine's `…: unknown`); a value that was missing may not.
        #expect(!failure.inputs.reduce(text) { $0.replacingOccurrences(of: $1, with: "") }.contains("unknown"), "\(text)")
        #expect(!text.contains("{{"), "an unrendered placeholder: \(text)")
    }

    @Test(arguments: cases)
    func ignoresTheNearMiss(_ failure: BreadthCase) throws {
        let playbook = try #require(Self.library.playbook(id: failure.playbook))
        let matcher = PlaybookMatcher(playbooks: Self.library.playbooks)
        #expect(!matcher.evaluate(playbook.match, failure.nearMissContext()), "\(failure.playbook) matches its near miss")
    }

    /// The built-ins that are not from this research (the twelve before it and the lead's); every other one is a
    /// breadth playbook and needs a case here.
    static let original: Set<String> = [
        "oom-kill", "oom-child", "port-already-allocated", "address-in-use", "bind-mount-permission-denied", "read-only-mount",
        "read-only-rootfs", "command-cannot-run", "restart-loop", "unhealthy", "sigterm-ignored", "killed-by-signal",
        "killed", "segfault", "mount-source-invalid", "start-failure", "unrecognised-exit", "dependency-failed-first",
        "dependency-not-ready",
    ]

    /// The warnings about containers that keep running (no `die`, no log tail): their cases are in PressureFoldTests.
    static let running: Set<String> = ["memory-near-limit", "cpu-throttled", "pids-near-limit", "disk-near-full", "error-burst"]

    @Test func everyBreadthPlaybookHasACaseAClassAndSources() throws {
        let library = Self.library
        #expect(library.diagnostics.isEmpty, "\(library.diagnostics)")
        let breadth = Set(library.playbooks.map(\.id)).subtracting(Self.original).subtracting(Self.running)
        #expect(breadth.count >= 30, "\(breadth.count) breadth playbooks")
        #expect(breadth == Set(Self.cases.map(\.playbook)), "without a case: \(breadth.subtracting(Self.cases.map(\.playbook)))")
        let sources = try String(contentsOf: Self.playbooksDirectory.appending(path: "SOURCES.md"), encoding: .utf8)
        for id in breadth.union(Self.running) {
            let playbook = try #require(library.playbook(id: id))
            #expect(playbook.failureClass != nil, "\(id) has no class")
            #expect(!playbook.sources.isEmpty && playbook.sources.allSatisfy { $0.contains("#") || $0.hasPrefix("https://") }, "\(id): \(playbook.sources)")
            #expect(sources.contains("`\(id)`"), "playbooks/SOURCES.md does not list \(id)")
        }
    }

    static let playbooksDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../../playbooks")
}
