/// One compose file as read, before `extends` and `include` are applied: what ``ComposeLoader`` merges and what it
/// still has to follow.
struct ComposeFileModel {
    /// The path as shown in findings.
    var file: String
    var name: Located<String>?
    /// As written in this file, in order; `extends` not applied.
    var services: [ComposeService]
    /// Each service's `extends`, by service name.
    var extends: [String: ExtendsReference] = [:]
    /// The top-level `include` entries, in order.
    var includes: [IncludeEntry] = []

    /// The service of this name, as written in this file.
    func service(_ name: String) -> ComposeService? {
        services.first { $0.name == name }
    }
}

/// A service's `extends` (compose spec, services `extends`): `extends: base` or `extends: {service: base, file: other.yaml}`.
struct ExtendsReference {
    /// The base service.
    var service: String
    /// The file that defines it, as written (relative to the file's project directory); nil for the same file.
    var file: String?
    /// The `extends` key.
    var location: ComposeLocation
}

/// One entry of the top-level `include` (compose spec 14-include.md): `- other/compose.yaml` or
/// `- {path: …, project_directory: …, env_file: …}`.
struct IncludeEntry {
    /// `path`: one file, or several merged in order, as written (relative to the including file's project directory).
    var paths: [Located<String>]
    /// `project_directory` as written; nil for the directory of the first path.
    var projectDirectory: String?
    /// `env_file` as written; empty for the `.env` of the project directory.
    var envFiles: [Located<String>]
    /// The entry in the `include` list.
    var location: ComposeLocation
}
