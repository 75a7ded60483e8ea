# Shared by scripts/test and scripts/capture-podman-fixtures: a private Podman engine (its Docker-compatible API).
#
# podman_install   installs Debian's podman, runc and busybox-static when missing (needs root). Debian 12's podman
#                  pulls in conmon, crun, containernetworking-plugins (CNI) and golang-github-containers-common.
# podman_start     starts `podman system service --time=0` on $PODMAN_DIR/podman.sock, with storage (--root,
#                  --runroot), a tmp dir, an events log and CNI network files of its own under $PODMAN_DIR, and
#                  configuration files of its own (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF): exports
#                  BLACKBOX_TEST_PODMAN_HOST. A system podman's containers, images and configuration are never touched.
# podman_image     imports the same busybox rootfs as engine_image, as $BLACKBOX_TEST_IMAGE.
# podman_stop      removes the containers, stops the service and removes $PODMAN_DIR; safe to call twice.
#
# Measured here (Debian 12, podman 4.3.1, a hybrid cgroup v1 host) and so configured:
# - crun 1.8 refuses a hybrid host ("cgroups in hybrid mode not supported"): the runtime is runc (as Docker's).
# - the default nofile/nproc ulimits (1048576) are refused: the default ulimits are 4096.
# - no systemd to talk to: cgroup manager `cgroupfs` (containers in /libpod_parent/libpod-<id>), events backend `file`.
# Two private podmans would share the CNI bridge cni-podman0, so podman_start waits for /tmp/blackbox-podman.lock
# (held until podman_stop). It does not need Docker's lock: its bridge, chains and addresses are its own.

BLACKBOX_TEST_IMAGE=${BLACKBOX_TEST_IMAGE:-blackbox-test/busybox:latest}
export BLACKBOX_TEST_IMAGE

podman_install() {
    local missing=()
    command -v podman >/dev/null 2>&1 || missing+=(podman)
    command -v runc >/dev/null 2>&1 || missing+=(runc)
    [ -x /bin/busybox ] || missing+=(busybox-static)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "podman: installing ${missing[*]}" >&2
        apt-get -o DPkg::Lock::Timeout=600 update -qq
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# The podman CLI on the private storage and configuration.
podman_cli() {
    CONTAINERS_CONF="$PODMAN_DIR/containers.conf" CONTAINERS_STORAGE_CONF="$PODMAN_DIR/storage.conf" \
        CONTAINERS_REGISTRIES_CONF="$PODMAN_DIR/registries.conf" \
        podman --root "$PODMAN_DIR/root" --runroot "$PODMAN_DIR/runroot" "$@"
}

podman_start() {
    exec {PODMAN_LOCK_FD}>/tmp/blackbox-podman.lock
    if ! flock -n "$PODMAN_LOCK_FD"; then
        echo "podman: another private podman is running; waiting for it to stop" >&2
        flock "$PODMAN_LOCK_FD"
    fi
    PODMAN_DIR=$(mktemp -d /tmp/blackbox-podman.XXXXXX)
    export PODMAN_DIR
    mkdir -p "$PODMAN_DIR/tmp" "$PODMAN_DIR/net"
    cat >"$PODMAN_DIR/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PODMAN_DIR/events.log"
tmp_dir = "$PODMAN_DIR/tmp"
volume_path = "$PODMAN_DIR/root/volumes"

[network]
network_backend = "cni"
network_config_dir = "$PODMAN_DIR/net"
EOF
    cat >"$PODMAN_DIR/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$PODMAN_DIR/root"
runroot = "$PODMAN_DIR/runroot"
EOF
    printf 'unqualified-search-registries = []\n' >"$PODMAN_DIR/registries.conf"
    local sock="$PODMAN_DIR/podman.sock"
    (
        # Like dockerd, the service must hold none of the caller's descriptors (the lock, a test runner's pipes).
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
        done
        export CONTAINERS_CONF="$PODMAN_DIR/containers.conf" CONTAINERS_STORAGE_CONF="$PODMAN_DIR/storage.conf" \
            CONTAINERS_REGISTRIES_CONF="$PODMAN_DIR/registries.conf"
        exec podman --root "$PODMAN_DIR/root" --runroot "$PODMAN_DIR/runroot" system service --time=0 "unix://$sock"
    ) </dev/null >>"$PODMAN_DIR/podman.log" 2>&1 &
    # The subshell execs podman: $! is the service's own pid.
    echo $! >"$PODMAN_DIR/podman.pid"
    disown $! 2>/dev/null || true
    local i
    for i in $(seq 1 120); do
        if [ -S "$sock" ] && curl -sf --unix-socket "$sock" http://podman/_ping >/dev/null 2>&1; then
            export BLACKBOX_TEST_PODMAN_HOST="unix://$sock"
            echo "podman: private podman $(podman --version | cut -d' ' -f3) (pid $(cat "$PODMAN_DIR/podman.pid")) at $BLACKBOX_TEST_PODMAN_HOST" >&2
            return 0
        fi
        sleep 0.25
    done
    echo "podman: podman system service did not come up; its log:" >&2
    tail -n 40 "$PODMAN_DIR/podman.log" >&2
    return 1
}

podman_image() {
    local rootfs="$PODMAN_DIR/rootfs"
    busybox_rootfs "$rootfs"
    # Through the compatible API, as `docker import` does on Docker: Podman names it docker.io/$BLACKBOX_TEST_IMAGE.
    tar -C "$rootfs" -c . | DOCKER_HOST="$BLACKBOX_TEST_PODMAN_HOST" docker import --change 'CMD ["sh"]' --change 'ENV PATH=/bin' - \
        "$BLACKBOX_TEST_IMAGE" >/dev/null
    rm -rf "$rootfs"
    echo "podman: image $BLACKBOX_TEST_IMAGE imported" >&2
}

podman_stop() {
    [ -n "${PODMAN_DIR:-}" ] || return 0
    timeout 60 podman_cli rm -af -t 0 >/dev/null 2>&1 || true
    timeout 60 podman_cli network prune -f >/dev/null 2>&1 || true
    local pid i
    pid=$(cat "$PODMAN_DIR/podman.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    # A container's conmon outlives the service; it names $PODMAN_DIR in its arguments.
    local proc
    for proc in /proc/[0-9]*; do
        [ "$(cat "$proc/comm" 2>/dev/null)" = conmon ] && tr '\0' ' ' <"$proc/cmdline" 2>/dev/null | grep -qF " $PODMAN_DIR/" &&
            kill -9 "${proc#/proc/}" 2>/dev/null || true
    done
    # Overlay and shm mounts may stay under the storage.
    grep -o " $PODMAN_DIR[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$PODMAN_DIR" 2>/dev/null || true
    PODMAN_DIR=
    if [ -n "${PODMAN_LOCK_FD:-}" ]; then
        exec {PODMAN_LOCK_FD}>&-
        PODMAN_LOCK_FD=
    fi
}
