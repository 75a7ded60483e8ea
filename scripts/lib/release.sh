# Shared by scripts/check-release, scripts/package and scripts/image: the release binary, built once.
#
# release_binary   builds `blackbox` in release mode with the Swift runtime linked in (as the README says), unless it
#                  is built already (then SwiftPM finds nothing to do), and prints the binary's path.
#                  Set BLACKBOX_RELEASE_BINARY to a built binary to use that one instead.

release_binary() {
    if [ -n "${BLACKBOX_RELEASE_BINARY:-}" ]; then
        echo "$BLACKBOX_RELEASE_BINARY"
        return
    fi
    swift build -c release --static-swift-stdlib --product blackbox >&2
    echo "$(swift build -c release --static-swift-stdlib --show-bin-path)/blackbox"
}

# release_strip SOURCE DESTINATION: installs a stripped copy of the binary (mode 0755), as the package and the image
# ship it: no symbols, no .comment or .note sections.
release_strip() {
    install -D -m 0755 "$1" "$2"
    strip --strip-unneeded --remove-section=.comment --remove-section=.note "$2"
}
