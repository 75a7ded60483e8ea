import Foundation

/// One run of ``ComposeLoader/load(files:projectName:environment:workingDirectory:)``: reads each file, applies
/// `extends` (``ExtendsResolver``) and follows `include` as compose does (compose spec 14-include.md, compose-go
/// `loader/include.go`), and collects the problems, the unset variables and the other files it read.
///
/// - An included entry is loaded as a project of its own: its paths (relative to the including file's project
///   directory) merged in order; relative paths inside resolve against its `project_directory` (default: the first
///   path's directory); its variables are the including project's over its `env_file` (default: the `.env` of its
///   project directory). Its services are added to the including file's; one whose name is already taken by a
///   service defined elsewhere is reported (compose: "services.NAME conflicts with imported resource").
/// - An include cycle, a missing included file, an include nested deeper than ``maximumIncludeDepth`` and more than
///   ``maximumOtherFiles`` files read through `include` and `extends` are reported at the `include` line, and that
///   entry is not followed further, so any input ends.
final class ComposeReading {
    /// The deepest chain of files including each other that is followed.
    static let maximumIncludeDepth = 16
    /// The most files read through `include` and `extends` in one load (each up to ``ComposeLoader/maximumFileBytes``).
    static let maximumOtherFiles = 64

    /// Where a file's relative paths resolve and the variables it is interpolated with.
    struct Context {
        /// The project directory, absolute.
        var directory: String
        /// The shell's environment over the project's `.env` (for an included project: over its `env_file`).
        var variables: [String: String]
    }

    private let workingDirectory: String
    private let read: ComposeLoader.ReadFile
    private(set) var problems: [ComposeProblem] = []
    private(set) var unset: [ComposeProject.UnsetVariable] = []
    /// The files read through `include` and `extends`, as shown, in the order read.
    private(set) var otherFiles: [String] = []
    /// Whether an include past ``maximumOtherFiles`` was reported (once: the ones after it are skipped silently).
    private var reportedFileBudget = false

    init(workingDirectory: String, read: @escaping ComposeLoader.ReadFile) {
        self.workingDirectory = workingDirectory
        self.read = read
    }

    /// An absolute path as findings show it: relative to the working directory when it is below it.
    func show(_ path: String) -> String {
        let prefix = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// A file's `name` and its services, `extends` applied and `include` followed.
    ///
    /// - Parameter chain: the absolute paths of the files that include this one, this one last.
    func load(_ text: String, file: String, path: String, context: Context, chain: [String]) -> (name: Located<String>?, services: [ComposeService]) {
        let model = parse(text, file: file, directory: context.directory, variables: context.variables)
        var resolver = ExtendsResolver(show: show) { [unowned self] path, shown in
            try self.readForExtends(path, shown: shown, variables: context.variables)
        }
        var services = resolver.resolve(model, path: path, directory: context.directory)
        problems += resolver.problems
        var index = Dictionary(services.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        for entry in model.includes {
            for service in include(entry, from: context, chain: chain) {
                if let existing = index[service.name] {
                    if services[existing].location != service.location {
                        problems.append(
                            ComposeProblem(
                                "services.\(service.name) conflicts with imported resource: \(service.location.file) defines a service of the same name",
                                at: entry.location))
                    }
                    continue
                }
                index[service.name] = services.count
                services.append(service)
            }
        }
        return (model.name, services)
    }

    private func parse(_ text: String, file: String, directory: String, variables: [String: String]) -> ComposeFileModel {
        var parser = ComposeFileParser(file: file, projectDirectory: directory, interpolator: Interpolator(variables: variables))
        let model = parser.parse(text)
        problems += parser.problems + parser.interpolator.problems
        unset += parser.interpolator.unset
        return model
    }

    /// A file named by `extends: {file:}`: parsed with its own directory as project directory, its `include` not followed.
    private func readForExtends(_ path: String, shown: String, variables: [String: String]) throws -> ComposeFileModel? {
        guard otherFiles.count < Self.maximumOtherFiles else {
            throw ComposeProblem("more than \(Self.maximumOtherFiles) files read through include and extends; \(shown) is not read", at: ComposeLocation(file: shown, line: 0))
        }
        guard let text = try read(path, shown) else { return nil }
        otherFiles.append(shown)
        var model = parse(text, file: shown, directory: (path as NSString).deletingLastPathComponent, variables: variables)
        model.includes = []
        return model
    }

    /// The services of one `include` entry, its paths merged in order.
    private func include(_ entry: IncludeEntry, from context: Context, chain: [String]) -> [ComposeService] {
        let paths = entry.paths.map { ComposeFileParser.resolve($0.value, against: context.directory) }
        for (written, path) in zip(entry.paths, paths) {
            guard let start = chain.firstIndex(of: path) else { continue }
            let cycle = (chain[start...] + [path]).map(show).joined(separator: " includes ")
            problems.append(ComposeProblem("include cycle detected: \(cycle)", at: written.location))
            return []
        }
        guard chain.count <= Self.maximumIncludeDepth else {
            problems.append(ComposeProblem("include nested deeper than \(Self.maximumIncludeDepth) files: \(entry.paths[0].value) is not read", at: entry.location))
            return []
        }
        let directory = entry.projectDirectory.map { ComposeFileParser.resolve($0, against: context.directory) } ?? (paths[0] as NSString).deletingLastPathComponent
        let included = Context(directory: directory, variables: variables(of: entry, directory: directory, from: context))
        var services: [ComposeService] = []
        var index: [String: Int] = [:]
        for (written, path) in zip(entry.paths, paths) {
            guard otherFiles.count < Self.maximumOtherFiles else {
                if !reportedFileBudget {
                    reportedFileBudget = true
                    problems.append(
                        ComposeProblem(
                            "more than \(Self.maximumOtherFiles) files read through include and extends; \(written.value) and the files included after it are not read",
                            at: written.location))
                }
                break
            }
            let text: String
            do {
                guard let contents = try read(path, show(path)) else {
                    problems.append(ComposeProblem("included file \(written.value) does not exist (\(path))", at: written.location))
                    continue
                }
                text = contents
            } catch let error as ComposeProblem {
                problems.append(ComposeProblem(error.message, at: written.location))
                continue
            } catch {
                problems.append(ComposeProblem("cannot read included file \(written.value): \(error)", at: written.location))
                continue
            }
            otherFiles.append(show(path))
            for service in load(text, file: show(path), path: path, context: included, chain: chain + [path]).services {
                if let existing = index[service.name] {
                    services[existing] = ComposeLoader.merge(services[existing], service)
                } else {
                    index[service.name] = services.count
                    services.append(service)
                }
            }
        }
        return services
    }

    /// The including project's variables over the entry's `env_file` (default: `.env` in its project directory).
    private func variables(of entry: IncludeEntry, directory: String, from context: Context) -> [String: String] {
        var values: [String: String] = [:]
        let files: [(written: String, path: String, location: ComposeLocation, required: Bool)] =
            entry.envFiles.isEmpty
            ? [(directory + "/.env", directory + "/.env", entry.location, false)]
            : entry.envFiles.map { ($0.value, ComposeFileParser.resolve($0.value, against: context.directory), $0.location, true) }
        for file in files {
            do {
                guard let envFile = try DotEnvFile.read(file.path, shownAs: show(file.path)) else {
                    if file.required { problems.append(ComposeProblem("env_file \(file.written) of this include does not exist (\(file.path))", at: file.location)) }
                    continue
                }
                values.merge(envFile.values) { $1 }
            } catch let error as ComposeProblem {
                problems.append(ComposeProblem(error.message, at: file.location))
            } catch {
                problems.append(ComposeProblem("cannot read env_file \(file.written): \(error)", at: file.location))
            }
        }
        return values.merging(context.variables) { $1 }
    }
}
