import Foundation

/// Applies `extends` to the services of one file, as compose does (compose-go `loader/extends.go`): a service
/// inherits its base's configuration, merged as a later compose file merges over an earlier one
/// (``ComposeLoader/merge(_:_:)``: its own values win); the base is looked up in the same file, or in `file:`, which is
/// read on its own (relative paths in it resolve against its directory, its `include` is not followed) and whose
/// services are not part of the project. A base that extends another is resolved first.
///
/// A cycle (`a` extends `b` extends `a`, in one file or across files), a missing base service or file, and a chain
/// deeper than ``maximumDepth`` are reported at the `extends` line (as ``problems``); the service then keeps what it
/// was resolved to so far. Each (file, service) is resolved once, so the work is linear in the services named.
struct ExtendsResolver {
    /// The longest chain of `extends` followed (each link is a recursion).
    static let maximumDepth = 32

    /// Reads another file by absolute path, with its shown name: nil when there is no file there.
    /// Throws ``ComposeProblem`` for a file it refuses (too large, not a regular file, over the file budget).
    typealias ReadFile = (_ path: String, _ shown: String) throws -> ComposeFileModel?

    private let read: ReadFile
    /// Shows an absolute path as findings name it.
    private let show: (String) -> String
    private(set) var problems: [ComposeProblem] = []
    /// The other files read for `extends`, as shown, in the order read.
    private(set) var filesRead: [String] = []

    private var files: [String: ComposeFileModel?] = [:]
    private var resolved: [Key: ComposeService] = [:]

    private struct Key: Hashable {
        var path: String
        var service: String
    }

    /// Where a file is: its absolute path, and the directory its `extends: {file:}` paths resolve against.
    private struct Place {
        var path: String
        var directory: String
    }

    init(show: @escaping (String) -> String, read: @escaping ReadFile) {
        self.show = show
        self.read = read
    }

    /// `file`'s services with `extends` applied, in order.
    ///
    /// - Parameters:
    ///   - path: the file's absolute path (a cycle is a (path, service) met twice).
    ///   - directory: the project directory its `extends: {file:}` paths resolve against.
    mutating func resolve(_ file: ComposeFileModel, path: String, directory: String) -> [ComposeService] {
        files[path] = file
        let place = Place(path: path, directory: directory)
        return file.services.map { service($0, in: file, at: place, chain: []) }
    }

    private mutating func service(_ own: ComposeService, in file: ComposeFileModel, at place: Place, chain: [Key]) -> ComposeService {
        let key = Key(path: place.path, service: own.name)
        if let done = resolved[key] { return done }
        guard let reference = file.extends[own.name] else {
            resolved[key] = own
            return own
        }
        let merged = extended(own, by: reference, in: file, at: place, chain: chain + [key]) ?? own
        resolved[key] = merged
        return merged
    }

    /// `own` merged over its base; nil (and a problem) when the base cannot be had.
    private mutating func extended(
        _ own: ComposeService, by reference: ExtendsReference, in file: ComposeFileModel, at place: Place, chain: [Key]
    ) -> ComposeService? {
        let cannot = "cannot extend service \"\(own.name)\" in \(file.file)"
        var baseFile = file
        var basePlace = place
        if let written = reference.file {
            let path = ComposeFileParser.resolve(written, against: place.directory)
            basePlace = Place(path: path, directory: (path as NSString).deletingLastPathComponent)
            do {
                guard let other = try self.file(at: path) else {
                    problems.append(ComposeProblem("\(cannot): \(written) does not exist (\(path))", at: reference.location))
                    return nil
                }
                baseFile = other
            } catch let error as ComposeProblem {
                problems.append(ComposeProblem("\(cannot): \(error.message)", at: reference.location))
                return nil
            } catch {
                problems.append(ComposeProblem("\(cannot): \(error)", at: reference.location))
                return nil
            }
        }
        guard let base = baseFile.service(reference.service) else {
            let inFile = reference.file.map { " in \($0)" } ?? ""
            problems.append(ComposeProblem("\(cannot): service \"\(reference.service)\" not found\(inFile)", at: reference.location))
            return nil
        }
        let baseKey = Key(path: basePlace.path, service: base.name)
        if let start = chain.firstIndex(of: baseKey) {
            let links = (chain[start...] + [baseKey]).map { "\($0.service) in \(show($0.path))" }
            problems.append(ComposeProblem("circular reference: \(links.joined(separator: " extends "))", at: reference.location))
            return nil
        }
        guard chain.count < Self.maximumDepth else {
            problems.append(ComposeProblem("\(cannot): extends chain longer than \(Self.maximumDepth) services, not followed", at: reference.location))
            return nil
        }
        var merged = ComposeLoader.merge(service(base, in: baseFile, at: basePlace, chain: chain), own)
        merged.name = own.name
        merged.location = own.location
        return merged
    }

    /// The file at `path`, read once.
    private mutating func file(at path: String) throws -> ComposeFileModel? {
        if let known = files[path] { return known }
        let model = try read(path, show(path))
        files[path] = .some(model)
        if model != nil { filesRead.append(show(path)) }
        return model
    }
}
