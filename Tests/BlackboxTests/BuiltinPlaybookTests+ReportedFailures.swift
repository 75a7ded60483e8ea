import BlackboxCore
import Playbooks

extension BuiltinPlaybookBreadthTests {
    /// The cases of the failures two evaluations took from public reports, reproduced and recorded with their cleanups
    /// (issue 18: sessions helper-exec-denied, es-max-map-count, chrome-sandbox-seccomp, mysql-root-password-unset,
    /// local-volume-device-missing, uid-without-passwd-entry, kafka-cluster-id-mismatch, nginx-stale-upstream-ip,
    /// network-mode-service-recreated).
    static let reportedFailureCases: [BreadthCase] = [
        BreadthCase(
            "noexec-mount", .die(126), log: ["sh: /tmp/_MEIx1Yz7Q/worker: Permission denied"],
            inspect: Snapshot.at("HostConfig", "Tmpfs", .object(["/tmp": .string("")])),
            says: ["lies on the tmpfs at /tmp", "--tmpfs /tmp:exec", "TMPDIR="],
            nearMiss: .inspect(Snapshot.at("HostConfig", "Tmpfs", .object(["/tmp": .string("rw,exec,size=64m")])))),
        BreadthCase(
            "sysctl-not-namespaced", .startFailure,
            inspect: Snapshot.merge(
                Snapshot.at("HostConfig", "Sysctls", .object(["vm.max_map_count": .string("262144")])),
                Snapshot.stateError(
                    "failed to create shim task: OCI runtime create failed: runc create failed: sysctl \"vm.max_map_count\" is not in a separate kernel namespace: unknown")),
            says: ["vm.max_map_count is a setting of the host kernel", "sysctl -w vm.max_map_count=262144", "/etc/sysctl.d/99-vm.max_map_count.conf"],
            nearMiss: .inspect(Snapshot.stateError("failed to create shim task: OCI runtime create failed: runc create failed: unknown"))),
        BreadthCase(
            "sandbox-namespace-refused", .die(1),
            log: [
                "Failed to move to new namespace: PID namespaces supported, Network namespace supported, but failed: errno = Operation not permitted",
                "[1203/140000.500000:FATAL:zygote_host_impl_linux.cc(201)] Check failed: . : Operation not permitted (1)",
            ],
            says: ["default seccomp profile", "--security-opt seccomp=", "--no-sandbox"],
            nearMiss: .log(["[1203/140000.500000:INFO:headless_shell.cc(107)] DevTools listening on ws://0.0.0.0:9222"])),
        BreadthCase(
            "database-root-password-missing", .die(1),
            log: [
                "2024-01-01 10:00:00+00:00 [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified",
                "    You need to specify one of the following as an environment variable:", "    - MYSQL_ROOT_PASSWORD",
            ],
            inspect: Snapshot.env(["MYSQL_ROOT_PASSWORD="]),
            says: ["MYSQL_ROOT_PASSWORD is set, but empty", "${MYSQL_ROOT_PASSWORD}", "MYSQL_ROOT_PASSWORD=…"],
            nearMiss: .log(["2024-01-01 10:00:00+00:00 [Note] [Entrypoint]: Database files initialized"])),
        BreadthCase(
            "volume-device-missing", .startFailure,
            inspect: Snapshot.stateError(
                "error while mounting volume '/var/lib/docker/volumes/media_library/_data': failed to mount local volume: mount /srv/media:/var/lib/docker/volumes/media_library/_data, flags: 0x1000: no such file or directory"),
            says: ["the volume media_library", "binds the host directory /srv/media", "mkdir -p /srv/media", "docker volume rm media_library"],
            nearMiss: .inspect(Snapshot.stateError(
                "error while mounting volume '/var/lib/docker/volumes/media_library/_data': failed to mount local volume: mount :/exports/media:/var/lib/docker/volumes/media_library/_data, data: addr=10.0.0.5: connection refused"))),
        BreadthCase(
            "user-has-no-passwd-entry", .die(1), log: ["whoami: unknown uid 1001", "KeyError: 'getpwuid(): uid not found: 1001'"],
            inspect: Snapshot.at("Config", "User", .string("1001:1001")),
            says: ["runs as user 1001:1001", "no entry for uid 1001", "adduser -D -u 1001 u1001"],
            nearMiss: .log(["KeyError: 'DATABASE_URL'"])),
        BreadthCase(
            "kafka-cluster-id-mismatch", .die(1),
            log: [
                "[2024-01-01 10:00:00,000] ERROR Fatal error during KafkaServer startup. Prepare to shutdown (kafka.server.KafkaServer)",
                "kafka.common.InconsistentClusterIdException: The Cluster ID O1DVePeFJ6q6ieaJq3MSw doesn't match stored clusterId Some(XMenXaCetMxxZpr6Pazw) in meta.properties. The broker is trying to join the wrong cluster. Configured zookeeper.connect may be wrong.",
            ],
            inspect: Snapshot.mounts([
                Snapshot.merge(
                    Snapshot.mount(type: "volume", source: "/var/lib/docker/volumes/stack_kafkadata/_data", destination: "/var/lib/kafka/data"),
                    .object(["Name": .string("stack_kafkadata")]))
            ]),
            says: ["(XMenXaCetMxxZpr6Pazw) in meta.properties", "volume stack_kafkadata", "/var/lib/kafka/data/meta.properties", "zkdata:/var/lib/zookeeper/data"],
            nearMiss: .log(["[2024-01-01 10:00:00,000] INFO Cluster ID = O1DVePeFJ6q6ieaJq3MSw (kafka.server.KafkaServer)"])),
        BreadthCase(
            "upstream-address-moved", .die(1),
            log: [
                "2024/01/01 10:00:00 [error] 29#29: *14 connect() failed (111: Connection refused) while connecting to upstream, client: 172.20.0.1, server: _, request: \"GET /api/health HTTP/1.1\", upstream: \"http://172.22.0.2:8080/api/health\", host: \"localhost\""
            ],
            says: ["connects to 172.22.0.2", "belongs to shop_api_run_1", "shop_api_1 runs it at 172.22.0.4", "resolver 127.0.0.11 valid=10s;"],
            nearMiss: .log([
                "2024/01/01 10:00:00 [error] 29#29: *14 connect() failed (111: Connection refused) while connecting to upstream, client: 172.20.0.1, server: _, request: \"GET /api/health HTTP/1.1\", upstream: \"http://172.22.0.4:8080/api/health\", host: \"localhost\""
            ]),
            others: [
                "run0000000000000000000000000000000000000000000000000000000000001": .object([
                    "Name": .string("/shop_api_run_1"), "State": .object(["Running": .bool(true)]),
                    "Config": .object([
                        "Labels": .object([
                            "com.docker.compose.project": .string("shop"), "com.docker.compose.service": .string("api"),
                            "com.docker.compose.oneoff": .string("True"),
                        ])
                    ]),
                    "NetworkSettings": .object(["Networks": .object(["shop_default": .object(["IPAddress": .string("172.22.0.2")])])]),
                ]),
                "api0000000000000000000000000000000000000000000000000000000000002": .object([
                    "Name": .string("/shop_api_1"), "State": .object(["Running": .bool(true)]),
                    "Config": .object([
                        "Labels": .object([
                            "com.docker.compose.project": .string("shop"), "com.docker.compose.service": .string("api"),
                            "com.docker.compose.oneoff": .string("False"),
                        ])
                    ]),
                    "NetworkSettings": .object(["Networks": .object(["shop_default": .object(["IPAddress": .string("172.22.0.4")])])]),
                ]),
            ]),
        BreadthCase(
            "network-peer-gone", .die(1), log: ["ip: RTNETLINK answers: Network is unreachable"],
            inspect: Snapshot.at("HostConfig", "NetworkMode", .string("container:01d0e00000000000000000000000000000000000000000000000000000000001")),
            says: ["shares the network namespace of the container 01d0e0000000 (last named shop_vpn_1; compose", "compose `network_mode: \"service:vpn\"`", "shop_vpn_1 is a new container", "docker compose up -d --force-recreate app"],
            nearMiss: .inspect(Snapshot.at("HostConfig", "NetworkMode", .string("container:0e0e000000000000000000000000000000000000000000000000000000000002"))),
            others: [
                "01d0e00000000000000000000000000000000000000000000000000000000001": .object([
                    "Name": .string("/shop_vpn_1"), "State": .object(["Running": .bool(false)]),
                    "Config": .object(["Labels": .object(["com.docker.compose.project": .string("shop"), "com.docker.compose.service": .string("vpn")])]),
                ]),
                "0e0e000000000000000000000000000000000000000000000000000000000002": .object([
                    "Name": .string("/shop_vpn_1"), "State": .object(["Running": .bool(true)]),
                    "Config": .object(["Labels": .object(["com.docker.compose.project": .string("shop"), "com.docker.compose.service": .string("vpn")])]),
                ]),
            ]),
    ]
}
