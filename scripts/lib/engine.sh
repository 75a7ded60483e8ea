# Shared by scripts/test and scripts/capture-fixtures: a private Docker engine.
#
# engine_install   installs Debian's docker.io, busybox-static and docker-compose (v1) when missing (needs root).
# engine_start     starts a private dockerd whose socket, data-root, exec-root and pidfile
#                  live under $ENGINE_DIR; exports BLACKBOX_TEST_DOCKER_HOST and DOCKER_HOST.
# engine_image     imports a busybox rootfs as $BLACKBOX_TEST_IMAGE (no registry needed).
# engine_stop      stops that dockerd and removes $ENGINE_DIR; safe to call twice.
# ENGINE_DOCKERD_ARGS, when set, are more dockerd flags (word-split; scripts/capture-sessions registers a runtime).
# engine_restart   stops dockerd and starts it again (also as the script $BLACKBOX_TEST_ENGINE_RESTART).
#
# Two engines on one machine fight over docker0 and its iptables chains, so engine_start waits for
# the lock /tmp/blackbox-engine.lock (held until engine_stop): parallel test runs take turns.

BLACKBOX_TEST_IMAGE=${BLACKBOX_TEST_IMAGE:-blackbox-test/busybox:latest}
export BLACKBOX_TEST_IMAGE

engine_install() {
    local missing=()
    command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
    [ -x /bin/busybox ] || missing+=(busybox-static)
    command -v iptables >/dev/null 2>&1 || missing+=(iptables)
    command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "engine: installing ${missing[*]}" >&2
        apt-get -o DPkg::Lock::Timeout=600 update -qq
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
    fi
}

engine_start() {
    exec {ENGINE_LOCK_FD}>/tmp/blackbox-engine.lock
    if ! flock -n "$ENGINE_LOCK_FD"; then
        echo "engine: another private engine is running; waiting for it to stop" >&2
        flock "$ENGINE_LOCK_FD"
    fi
    if [ -S /var/run/docker.sock ] && pgrep -x dockerd >/dev/null 2>&1; then
        echo "engine: note: another dockerd is running; the private engine may fight it over docker0" >&2
    fi
    ENGINE_DIR=$(mktemp -d /tmp/blackbox-engine.XXXXXX)
    export ENGINE_DIR
    printf '#!/usr/bin/env bash\nset -euo pipefail\nENGINE_DIR=%q\nsource %q\nengine_restart "$@"\n' \
        "$ENGINE_DIR" "$(realpath "${BASH_SOURCE[0]}")" >"$ENGINE_DIR/restart"
    chmod +x "$ENGINE_DIR/restart"
    export BLACKBOX_TEST_ENGINE_RESTART="$ENGINE_DIR/restart"
    engine_daemon
}

# Runs a command without the engine lock's descriptor, so that what it leaves running cannot hold the lock.
engine_unlocked() {
    if [ -n "${ENGINE_LOCK_FD:-}" ]; then "$@" {ENGINE_LOCK_FD}>&-; else "$@"; fi
}

# Starts dockerd on $ENGINE_DIR's socket and waits until it answers; sets ENGINE_PID.
engine_daemon() {
    local sock="$ENGINE_DIR/docker.sock"
    (
        # dockerd must hold none of the caller's descriptors (the engine lock, a test runner's pipes or sockets):
        # a process that waits for EOF on one of them would wait for as long as the engine runs.
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
        done
        exec setsid dockerd \
            --host "unix://$sock" \
            --data-root "$ENGINE_DIR/data" \
            --exec-root "$ENGINE_DIR/exec" \
            --pidfile "$ENGINE_DIR/docker.pid" \
            ${ENGINE_DOCKERD_ARGS:-}
    ) </dev/null >>"$ENGINE_DIR/dockerd.log" 2>&1 &
    ENGINE_PID=$!
    export ENGINE_PID
    disown "$ENGINE_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 120); do
        if [ -S "$sock" ] && DOCKER_HOST="unix://$sock" docker version >/dev/null 2>&1; then
            export BLACKBOX_TEST_DOCKER_HOST="unix://$sock"
            export DOCKER_HOST="unix://$sock"
            echo "engine: private dockerd (pid $ENGINE_PID) at $DOCKER_HOST" >&2
            return 0
        fi
        if ! kill -0 "$ENGINE_PID" 2>/dev/null; then break; fi
        sleep 0.5
    done
    echo "engine: dockerd did not come up; its log:" >&2
    tail -n 40 "$ENGINE_DIR/dockerd.log" >&2
    return 1
}

# engine_restart [crash [SECONDS]]: stops the running dockerd as a host shutdown would (SIGTERM: it stops its
# containers) — or with `crash`, SIGKILLs it (containerd and the containers go on without it) — waits SECONDS
# (default 0) and starts it again on the same socket and data-root. Tests run it as $BLACKBOX_TEST_ENGINE_RESTART.
engine_restart() {
    if [ "${1:-}" = crash ]; then
        kill -9 "$(cat "$ENGINE_DIR/docker.pid")"
        rm -f "$ENGINE_DIR/docker.pid"
        # Its containerd notices and exits within seconds; a new dockerd cannot start its own before that.
        local containerd i
        containerd=$(cat "$ENGINE_DIR/exec/containerd/containerd.pid" 2>/dev/null || true)
        for i in $(seq 1 60); do
            [ -n "$containerd" ] && kill -0 "$containerd" 2>/dev/null || break
            sleep 0.25
        done
    else
        engine_kill_daemon
    fi
    sleep "${2:-0}"
    engine_daemon
}

# Sends dockerd SIGTERM and waits up to 30 s for it to exit (then SIGKILL).
engine_kill_daemon() {
    local pid
    pid=$(cat "$ENGINE_DIR/docker.pid" 2>/dev/null || echo "${ENGINE_PID:-}")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
}

# Writes the busybox rootfs of the test image into $1 (both engines import the same one).
busybox_rootfs() {
    local rootfs=$1
    mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/data"
    chmod 1777 "$rootfs/tmp"
    cp /bin/busybox "$rootfs/bin/busybox"
    local applet
    for applet in $(/bin/busybox --list); do
        [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' >"$rootfs/etc/passwd"
    printf 'root:x:0:\napp:x:1000:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
}

engine_image() {
    local rootfs="$ENGINE_DIR/rootfs"
    busybox_rootfs "$rootfs"
    tar -C "$rootfs" -c . | docker import --change 'CMD ["sh"]' --change 'ENV PATH=/bin' - "$BLACKBOX_TEST_IMAGE" >/dev/null
    echo "engine: image $BLACKBOX_TEST_IMAGE imported" >&2
}

engine_stop() {
    [ -n "${ENGINE_DIR:-}" ] || return 0
    if [ -S "$ENGINE_DIR/docker.sock" ]; then
        DOCKER_HOST="unix://$ENGINE_DIR/docker.sock" timeout 60 docker ps -aq 2>/dev/null |
            xargs -r env DOCKER_HOST="unix://$ENGINE_DIR/docker.sock" timeout 60 docker rm -f >/dev/null 2>&1 || true
    fi
    engine_kill_daemon
    # dockerd's containerd and shims may hold mounts under the data-root.
    grep -o " $ENGINE_DIR[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$ENGINE_DIR" 2>/dev/null || true
    ENGINE_DIR=
    if [ -n "${ENGINE_LOCK_FD:-}" ]; then
        exec {ENGINE_LOCK_FD}>&-
        ENGINE_LOCK_FD=
    fi
}
