# blackbox as a container: built with the official Swift image, run on a slim Debian with only the three libraries
# the binary links (libsqlite3, libstdc++, zlib), as the non-root user blackbox.
#
#   docker build -t blackbox .
#   docker run -d --name blackbox --restart always --pid host --cgroupns host \
#     --group-add "$(stat -c %g /var/run/docker.sock)" \
#     -v /var/run/docker.sock:/var/run/docker.sock -v /sys/fs/cgroup:/sys/fs/cgroup:ro \
#     -v blackbox-data:/data blackbox
#
# scripts/image builds the same runtime stage from local files (no registry): it reads the ENV, WORKDIR, VOLUME, USER,
# ENTRYPOINT, CMD and HEALTHCHECK lines of the last stage from this file, so keep each on one line (docker stops it
# with SIGTERM, the default, on which the recorder flushes the store and exits 0).

FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# .git comes along (see .dockerignore), so that scripts/version describes the commit as it does in a clone.
COPY . .
RUN swift build -c release --static-swift-stdlib --product blackbox \
    && install -D -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/blackbox" /out/usr/bin/blackbox \
    && strip --strip-unneeded --remove-section=.comment --remove-section=.note /out/usr/bin/blackbox

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-0 libstdc++6 zlib1g && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 10001 --user-group --no-create-home --home-dir /data --shell /usr/sbin/nologin blackbox \
    && install -d -o blackbox -g blackbox -m 0750 /data
COPY --from=build /out/usr/bin/blackbox /usr/bin/blackbox
ENV BLACKBOX_DB=/data/blackbox.sqlite
WORKDIR /data
VOLUME /data
USER blackbox
ENTRYPOINT ["/usr/bin/blackbox"]
CMD ["record"]
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 CMD ["/usr/bin/blackbox", "status", "--check"]
