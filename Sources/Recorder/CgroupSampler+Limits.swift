extension CgroupSampler {
    /// The container's task limit, `pids.max` of its pids cgroup (`--pids-limit`); nil when it is `max` (unlimited),
    /// the file does not exist (the pids controller is not enabled) or cannot be read.
    public func pidsLimit(_ paths: CgroupPaths, files: CgroupFiles = CgroupFiles()) -> Int64? {
        let path: String =
            switch paths {
            case .v1(_, _, _, let pids, _): "\(pids)/pids.max"
            case .v2(let directory): "\(directory)/pids.max"
            }
        guard let text = try? files.contents(path, missing: Array("max".utf8)) else { return nil }
        return ProcText.unsigned(ProcText.trimmed(text[...])).map { Int64(clamping: $0) }
    }
}
