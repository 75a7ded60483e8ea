import Foundation

/// Finds, reads, interpolates and merges a project's compose files, as `docker compose` does.
///
/// - Files: the ones named (`-f`, merged in order), else `COMPOSE_FILE` (`:`-separated), else the first of
///   ``defaultFileNames`` in the working directory plus its override file (``overrideFileNames``) when present.
/// - Variables: the environment over the project directory's `.env`; `${VAR}` references in values are replaced.
/// - Merge: a later file's scalar values replace earlier ones; `environment` merges by name, `volumes` by target,
///   `depends_on` by service; `ports` and `tmpfs` are appended.
/// - `extends` and `include` are followed as compose follows them (``ExtendsResolver``, ``ComposeReading``).
/// - Project name: the one given, else the files' `name:`, else `COMPOSE_PROJECT_NAME`, else the project directory's
///   name; lower-cased, keeping only `a-z`, `0-9`, `_` and `-` (as compose normalizes it).
public enum ComposeLoader {
    public static let defaultFileNames = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"]
    public static let overrideFileNames = ["compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml"]

    /// The largest compose file read, bytes (4 MiB); a larger one is refused before it is read.
    public static let maximumFileBytes = 4 << 20

    /// Reads a compose file by absolute path, with the name findings show it by: its text, or nil when there is no
    /// file there. Throws ``ComposeProblem`` for a file that exists but is refused or cannot be read.
    typealias ReadFile = (_ path: String, _ shown: String) throws -> String?

    /// Loads the project.
    ///
    /// - Parameters:
    ///   - files: paths as the user gave them (relative to `workingDirectory`); empty to look for the default files.
    ///   - environment: the shell's environment.
    /// - Throws: ``ComposeProblem`` when no compose file is found, or a named file or `.env` cannot be read or is
    ///   over its size bound (``maximumFileBytes``, ``DotEnvFile/maximumBytes``).
    ///   Problems inside the files (bad YAML, wrong types, `extends` and `include` that cannot be followed) do not
    ///   throw: they are in ``ComposeProject/problems``.
    public static func load(
        files: [String], projectName: String? = nil, environment: [String: String], workingDirectory: String
    ) throws -> ComposeProject {
        try load(files: files, projectName: projectName, environment: environment, workingDirectory: workingDirectory, read: readFromDisk)
    }

    /// ``load(files:projectName:environment:workingDirectory:)`` reading compose files through `read` (`.env` and
    /// `env_file` files are read from disk).
    static func load(
        files: [String], projectName: String? = nil, environment: [String: String], workingDirectory: String, read: @escaping ReadFile
    ) throws -> ComposeProject {
        let shown = try discover(files, environment: environment, workingDirectory: workingDirectory)
        let paths = shown.map { ComposeFileParser.resolve($0, against: workingDirectory) }
        let directory = (paths[0] as NSString).deletingLastPathComponent
        let dotEnv = try DotEnvFile.read(directory + "/.env", shownAs: directory + "/.env")
        let variables = (dotEnv?.values ?? [:]).merging(environment) { $1 }
        let reading = ComposeReading(workingDirectory: workingDirectory, read: read)
        let context = ComposeReading.Context(directory: directory, variables: variables)
        var services: [ComposeService] = []
        var declaredName: String?
        var serviceIndex: [String: Int] = [:]
        for (file, path) in zip(shown, paths) {
            guard let text = try read(path, file) else {
                throw ComposeProblem("\(file) does not exist", at: ComposeLocation(file: file, line: 0))
            }
            let (name, parsed) = reading.load(text, file: file, path: path, context: context, chain: [path])
            declaredName = name?.value ?? declaredName
            for service in parsed {
                if let index = serviceIndex[service.name] {
                    services[index] = merge(services[index], service)
                } else {
                    serviceIndex[service.name] = services.count
                    services.append(service)
                }
            }
        }
        var listed = Set(shown)
        let otherFiles = reading.otherFiles.filter { listed.insert($0).inserted }
        let rawName = projectName ?? declaredName ?? variables["COMPOSE_PROJECT_NAME"] ?? (directory as NSString).lastPathComponent
        return ComposeProject(
            name: normalizedName(rawName), directory: directory, files: shown + otherFiles, services: services, unsetVariables: reading.unset,
            problems: reading.problems)
    }

    /// A compose file's text from disk; nil when there is no file at `path`.
    ///
    /// - Throws: ``ComposeProblem`` when it is not a regular file, is over ``maximumFileBytes``, or cannot be read.
    static func readFromDisk(_ path: String, shownAs shown: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        try ComposeFileSize.check(path, shownAs: shown, maximumBytes: maximumFileBytes)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ComposeProblem("cannot read \(shown)", at: ComposeLocation(file: shown, line: 0))
        }
        return text
    }

    /// `My App` → `myapp`.
    public static func normalizedName(_ name: String) -> String {
        String(name.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
    }

    private static func discover(_ files: [String], environment: [String: String], workingDirectory: String) throws -> [String] {
        if !files.isEmpty { return files }
        if let list = environment["COMPOSE_FILE"], !list.isEmpty { return list.split(separator: ":").map(String.init) }
        let exists = { (name: String) in FileManager.default.fileExists(atPath: workingDirectory + "/" + name) }
        guard let base = defaultFileNames.first(where: exists) else {
            throw ComposeProblem(
                "no compose file here: none of \(defaultFileNames.joined(separator: ", ")) is in \(workingDirectory); name one with -f",
                at: ComposeLocation(file: workingDirectory, line: 0))
        }
        return [base] + (overrideFileNames.first(where: exists).map { [$0] } ?? [])
    }

    /// `override` merged over `base`.
    static func merge(_ base: ComposeService, _ override: ComposeService) -> ComposeService {
        var merged = base
        merged.image = override.image ?? base.image
        merged.command = override.command ?? base.command
        merged.entrypoint = override.entrypoint ?? base.entrypoint
        merged.memoryLimit = override.memoryLimit ?? base.memoryLimit
        merged.cpus = override.cpus ?? base.cpus
        merged.healthcheck = override.healthcheck ?? base.healthcheck
        merged.restart = override.restart ?? base.restart
        merged.networkMode = override.networkMode ?? base.networkMode
        merged.user = override.user ?? base.user
        merged.stopGracePeriodNanos = override.stopGracePeriodNanos ?? base.stopGracePeriodNanos
        merged.initProcess = override.initProcess ?? base.initProcess
        merged.readOnly = override.readOnly ?? base.readOnly
        merged.shmSizeBytes = override.shmSizeBytes ?? base.shmSizeBytes
        merged.environment = mergedByKey(base.environment, override.environment) { $0.name }
        merged.volumes = mergedByKey(base.volumes, override.volumes) { $0.target }
        merged.dependsOn = mergedByKey(base.dependsOn, override.dependsOn) { $0.service }
        merged.dependsOnKey = override.dependsOnKey ?? base.dependsOnKey
        merged.ports = mergedByKey(base.ports, override.ports) { "\($0.hostIP ?? "")|\($0.hostPorts.map { "\($0)" } ?? "")|\($0.containerPorts)/\($0.proto)" }
        merged.tmpfs = mergedByKey(base.tmpfs, override.tmpfs) { $0.value }
        return merged
    }

    /// `base` with each element of `override` replacing the one of the same key, or appended.
    private static func mergedByKey<Element>(_ base: [Element], _ override: [Element], key: (Element) -> String) -> [Element] {
        var result = base
        for element in override {
            if let index = result.firstIndex(where: { key($0) == key(element) }) {
                result[index] = element
            } else {
                result.append(element)
            }
        }
        return result
    }
}
