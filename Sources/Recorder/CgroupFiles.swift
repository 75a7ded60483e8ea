#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The kernel files one container's readings come from (its cgroup files, `/proc/stat`, `/proc/<pid>/net/dev`),
/// each opened once and read again from offset 0 (`pread`) at every reading: the kernel generates these files anew
/// on each read, so a reading costs one system call per file instead of three.
///
/// Not shared between tasks: each sampler loop holds its own. Every descriptor is closed when the last reference
/// goes away (the container stopped, or its sampler ended).
public final class CgroupFiles {
    /// Open descriptors by path; -1 for a file that did not exist when first asked for.
    private var descriptors: [String: Int32] = [:]
    private var buffer = [UInt8](repeating: 0, count: 8192)

    public init() {}

    deinit {
        for descriptor in descriptors.values where descriptor >= 0 { close(descriptor) }
    }

    /// Descriptors held open.
    public var openCount: Int { descriptors.values.count { $0 >= 0 } }

    /// A whole file's bytes; `missing` is returned for a file that does not exist (then or when it was first read),
    /// when given.
    ///
    /// - Throws: ``CgroupError/unreadable(path:reason:)`` when the file cannot be opened or read (its cgroup or
    ///   process is gone: the container stopped).
    func contents(_ path: String, missing: [UInt8]? = nil) throws(CgroupError) -> [UInt8] {
        let descriptor = try descriptor(path, missing: missing != nil)
        guard descriptor >= 0 else {
            guard let missing else { throw CgroupError.unreadable(path: path, reason: String(cString: strerror(ENOENT))) }
            return missing
        }
        var count = 0
        while true {
            if count == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let read = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + count, $0.count - count, off_t(count)) }
            if read < 0 { throw CgroupError.unreadable(path: path, reason: String(cString: strerror(errno))) }
            if read == 0 { break }
            count += read
        }
        return Array(buffer[..<count])
    }

    private func descriptor(_ path: String, missing allowed: Bool) throws(CgroupError) -> Int32 {
        if let descriptor = descriptors[path] { return descriptor }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            guard code == ENOENT, allowed else { throw CgroupError.unreadable(path: path, reason: String(cString: strerror(code))) }
        }
        descriptors[path] = descriptor
        return descriptor
    }
}
