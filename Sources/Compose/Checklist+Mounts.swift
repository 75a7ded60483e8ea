import BlackboxCore
import BlackboxStore

extension Checklist {
    /// Check 4: a bind-mount source that does not exist (the engine creates an empty root-owned directory in its
    /// place, and a file mounted that way becomes a directory), or a directory mounted read-write that the service's
    /// user cannot write.
    /// Host paths are the engine's only on its host; elsewhere this says it did not look.
    func mountFindings(_ service: ComposeService) -> [Finding] {
        let binds = service.volumes.filter { $0.kind == .bind }
        guard let first = binds.first else { return [] }
        guard onEngineHost else {
            return [
                Finding(
                    .info, "bind-mount", service: service.name, at: first.location,
                    "\(service.name)'s bind-mount sources were not checked: the engine is not on this host")
            ]
        }
        var findings: [Finding] = []
        let user = ContainerUser(service.user?.value)
        for volume in binds {
            guard let source = volume.source else { continue }
            let shown = volume.writtenSource.map { $0 == source ? source : "\($0) (\(source))" } ?? source
            guard let facts = pathFacts(source) else {
                let looksLikeFile = (volume.target.split(separator: "/").last ?? "").contains(".")
                let consequence =
                    looksLikeFile
                    ? "; \(volume.target) looks like a file, and a file mounted this way becomes an empty directory"
                    : ""
                findings.append(
                    Finding(
                        .error, "bind-mount", service: service.name, at: volume.location,
                        "bind-mount source \(shown) of \(service.name) does not exist: the engine would create it as an empty directory owned by root\(consequence)",
                        evidence: [.init("source", source), .init("target", volume.target)],
                        fix: looksLikeFile ? "create the file \(source) before deploying" : "create it before deploying: mkdir -p \(source)\(user.chown.map { " && chown \($0) \(source)" } ?? "")"))
                continue
            }
            // A mounted file is usually configuration, read only; a directory is where a service writes.
            guard !volume.readOnly, facts.isDirectory, let uid = user.uid, !facts.writable(uid: uid, gid: user.gid ?? UInt32.max) else { continue }
            findings.append(
                Finding(
                    .error, "bind-mount", service: service.name, at: volume.location,
                    "\(service.name) runs as \(user.description) but bind-mount source \(shown) is \(facts.description): it cannot write to \(volume.target)",
                    evidence: [
                        .init("source", source), .init("owner_uid", Int64(facts.uid)), .init("owner_gid", Int64(facts.gid)),
                        .init("mode", "0" + String(facts.mode, radix: 8)), .init("user", service.user?.value ?? "root"),
                    ],
                    fix: "chown -R \(user.chown ?? "\(uid)") \(source) (or chmod o+w), or mount it \(volume.writtenSource ?? source):\(volume.target):ro if \(service.name) only reads it"))
        }
        if user.uid == nil, let written = service.user, !binds.allSatisfy(\.readOnly) {
            findings.append(
                Finding(
                    .info, "bind-mount", service: service.name, at: written.location,
                    "cannot tell whether user '\(written.value)' of \(service.name) can write its bind mounts: blackbox cannot read the image's /etc/passwd",
                    fix: "write the user as UID:GID (e.g. user: \"1000:1000\")"))
        }
        return findings
    }

    /// Check 4, from history: a `:ro` mount the service has failed to write to (an incident diagnosed as
    /// `read-only-mount` whose destination is this mount).
    func readOnlyWriteFindings(_ service: ComposeService, _ history: ServiceHistory) -> [Finding] {
        history.incidents(matching: "read-only-mount").compactMap { incident, match -> Finding? in
            guard case .object(let evidence)? = JSONValue.parse(match.evidence),
                let destination = evidence["mount_destination"]?.stringValue,
                let volume = service.volumes.first(where: { $0.target == destination && $0.readOnly })
            else { return nil }
            return Finding(
                .warning, "bind-mount", service: service.name, at: volume.location,
                "\(service.name) failed writing to \(destination), mounted read-only here: \(Self.cite(incident))",
                evidence: [.init("incident", Int64(incident.id ?? 0)), .init("error_line", evidence["error_line"]?.stringValue.map(Finding.Value.text) ?? .none)],
                fix: "mount it read-write (drop :ro) if \(service.name) must write there, or point its output at a writable volume")
        }
    }

    /// Check 5: an environment value that is an absolute path (a state file, a data directory) outside every volume
    /// and bind mount of the service is written to the container layer and lost when the container is recreated
    /// (or fails outright under `read_only: true`).
    func statePathFindings(_ service: ComposeService) -> [Finding] {
        let mounted = service.volumes.filter { $0.kind != .tmpfs }.map(\.target)
        let system = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc", "/proc", "/sys", "/dev", "/opt", "/tmp", "/run/secrets"]
        func under(_ path: String, _ roots: [String]) -> Bool {
            roots.contains { root in path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/") }
        }
        let redactor = CredentialRedactor()
        return service.environment.compactMap { variable -> Finding? in
            // A credential's value is never shown, not even when it looks like a path.
            guard !redactor.isCredential(name: variable.name), let path = variable.value, path.hasPrefix("/"), path.count > 1, !path.contains(" "), !path.contains(":"),
                !under(path, system), !under(path, mounted), !under(path, service.tmpfs.map(\.value))
            else { return nil }
            let last = path.split(separator: "/").last ?? ""
            let directory = last.contains(".") ? String(path.dropLast(last.count + 1)) : path
            let volumeName = "\(service.name)-data"
            let readOnly = service.readOnly?.value == true
            return Finding(
                readOnly ? .error : .warning, "state-path", service: service.name, at: variable.location,
                readOnly
                    ? "\(variable.name)=\(path) of \(service.name) is not under any volume, and its root file system is read-only: writing there fails"
                    : "\(variable.name)=\(path) of \(service.name) is not under any volume: it is written to the container layer and lost when the container is recreated",
                evidence: [.init("path", path), .init("mounts", .list(mounted))],
                fix: "mount a volume at \(directory.isEmpty ? "/" : directory): add `- \(volumeName):\(directory)` to \(service.name)'s volumes (and `\(volumeName):` under top-level volumes)")
        }
    }
}

/// A service's `user:` as far as it can be resolved without the image: `UID[:GID]`, `root`, or unknown.
struct ContainerUser: CustomStringConvertible {
    var uid: UInt32?
    var gid: UInt32?
    let written: String?

    init(_ written: String?) {
        self.written = written
        guard let written, !written.isEmpty else {
            // No `user:`: the image's user, root unless the image says otherwise.
            uid = 0
            gid = 0
            return
        }
        let parts = written.split(separator: ":", maxSplits: 1).map(String.init)
        uid = parts[0] == "root" ? 0 : UInt32(parts[0])
        gid = parts.count > 1 ? (parts[1] == "root" ? 0 : UInt32(parts[1])) : (uid == 0 ? 0 : nil)
    }

    /// `chown` owner for a fix: `1000:1000`, `1000`.
    var chown: String? {
        guard let uid, uid != 0 else { return nil }
        return gid.map { "\(uid):\($0)" } ?? "\(uid)"
    }

    var description: String {
        guard let uid else { return "user \(written ?? "?")" }
        return "uid \(uid)" + (gid.map { " gid \($0)" } ?? " (gid unknown)")
    }
}
