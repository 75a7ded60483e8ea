import Yams

/// The top-level `include` and a service's `extends`, read as written (``ComposeLoader`` follows them).
extension ComposeFileParser {
    /// `include:` — a list of paths, or of mappings with `path` (a string or a list), `project_directory`, `env_file`.
    mutating func includes(_ node: Node) -> [IncludeEntry] {
        guard let items = node.sequence else {
            problem(node, "`include` must be a list of files, or of mappings with `path:`")
            return []
        }
        var entries: [IncludeEntry] = []
        for item in items {
            guard let mapping = item.mapping else {
                if let path = located(item, "include") { entries.append(IncludeEntry(paths: [path], envFiles: [], location: location(item))) }
                continue
            }
            let keys = pairs(mapping)
            let paths = keys["path"].map { strings($0, "include path") } ?? []
            guard !paths.isEmpty else {
                problem(item, "an include entry needs a path")
                continue
            }
            entries.append(
                IncludeEntry(
                    paths: paths, projectDirectory: keys["project_directory"].flatMap { string($0, "project_directory") },
                    envFiles: keys["env_file"].map { strings($0, "env_file") } ?? [], location: location(item)))
        }
        return entries
    }

    /// `extends: base` or `extends: {service: base, file: other.yaml}`, located at its key (when given).
    mutating func extends(_ node: Node, of service: String, key: Node?) -> ExtendsReference? {
        let at = location(key ?? node)
        guard let mapping = node.mapping else {
            return string(node, "extends").map { ExtendsReference(service: $0, file: nil, location: at) }
        }
        let keys = pairs(mapping)
        guard let base = keys["service"].flatMap({ string($0, "extends.service") }), !base.isEmpty else {
            problem(key ?? node, "extends of \(service) needs the service it extends (extends: {service: NAME})")
            return nil
        }
        return ExtendsReference(service: base, file: keys["file"].flatMap { string($0, "extends.file") }, location: at)
    }

    /// A string or a list of strings, each with its line.
    private mutating func strings(_ node: Node, _ key: String) -> [Located<String>] {
        (node.sequence.map(Array.init) ?? [node]).compactMap { located($0, key) }
    }
}
