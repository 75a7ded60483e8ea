import Dispatch
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Wakes the recorder the moment the kernel's OOM killer acts in a container's memory cgroup, so the counters are
/// read while the cgroup exists: when a container's main process is killed, the engine removes its cgroup tens of
/// milliseconds later (24 ms after the `die` event, 60 ms after the kill, measured here), which a periodic sample
/// rarely falls into.
///
/// - cgroup v1: an eventfd registered on `memory.oom_control` through `cgroup.event_control` (the kernel signals it
///   when the cgroup goes under OOM, and when the cgroup is removed);
/// - cgroup v2: inotify on `memory.events`, which the kernel marks modified whenever one of its counters changes.
///
/// The handler runs on `queue`; the descriptors are closed by ``cancel()``.
final class OOMNotifier: @unchecked Sendable {
    private let source: any DispatchSourceRead

    /// Starts watching; nil when the kernel refuses (no `cgroup.event_control`, a cgroup already removed, no inotify).
    init?(_ paths: CgroupPaths, queue: DispatchQueue, onEvent: @escaping @Sendable () -> Void) {
        var descriptors: [Int32] = []
        let readable: Int32
        switch paths {
        case .v1(let memory, _, _, _, _):
            // EFD_CLOEXEC and EFD_NONBLOCK are O_CLOEXEC and O_NONBLOCK on Linux.
            guard let eventfd = Self.eventfd else { return nil }
            let event = eventfd(0, O_CLOEXEC | O_NONBLOCK)
            guard event >= 0 else { return nil }
            descriptors.append(event)
            let control = open("\(memory)/memory.oom_control", O_RDONLY | O_CLOEXEC)
            let register = open("\(memory)/cgroup.event_control", O_WRONLY | O_CLOEXEC)
            defer { if register >= 0 { close(register) } }
            if control >= 0 { descriptors.append(control) }
            let line = Array("\(event) \(control)".utf8)
            guard control >= 0, register >= 0, write(register, line, line.count) == line.count else {
                descriptors.forEach { _ = close($0) }
                return nil
            }
            readable = event
        case .v2(let directory):
            let watch = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
            guard watch >= 0 else { return nil }
            guard inotify_add_watch(watch, "\(directory)/memory.events", UInt32(IN_MODIFY)) >= 0 else {
                close(watch)
                return nil
            }
            descriptors.append(watch)
            readable = watch
        }
        source = DispatchSource.makeReadSource(fileDescriptor: readable, queue: queue)
        source.setEventHandler {
            // Drain what woke us (an eventfd's 8-byte count, inotify records) so the source does not fire again at once.
            var buffer = [UInt8](repeating: 0, count: 4096)
            while buffer.withUnsafeMutableBytes({ read(readable, $0.baseAddress, $0.count) }) > 0 {}
            onEvent()
        }
        source.setCancelHandler { descriptors.forEach { _ = close($0) } }
        source.resume()
    }

    /// glibc's `eventfd(2)` wrapper, which Swift's Glibc module does not import.
    private static let eventfd: (@convention(c) (UInt32, Int32) -> Int32)? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "eventfd").map {
        unsafeBitCast($0, to: (@convention(c) (UInt32, Int32) -> Int32).self)
    }

    /// Stops watching and closes the descriptors.
    func cancel() {
        source.cancel()
    }
}
