import ArgumentParser
import BlackboxStore

/// `--project` / `--service`: only the containers of a compose project or service, a service's containers across
/// recreations included (a recreated container is the same service with a new id).
struct ComposeFilterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only containers of this compose project (label com.docker.compose.project).", valueName: "project"))
    var project: String?

    @Option(help: ArgumentHelp("Only this compose service's containers, across recreations (with --project: of that project).", valueName: "service"))
    var service: String?

    var isActive: Bool { project != nil || service != nil }

    /// Whether a container or incident with these labels passes the filter.
    func matches(project: String?, service: String?) -> Bool {
        (self.project == nil || self.project == project) && (self.service == nil || self.service == service)
    }

    /// The ids of the recorded containers that pass; nil when no filter is given.
    func containerIDs(in store: EventStore) throws -> [String]? {
        guard isActive else { return nil }
        return try store.containerIDs(project: project, service: service)
    }

    /// `shop/api`, `api` or `-`.
    static func label(project: String?, service: String?) -> String {
        guard let service else { return project ?? "-" }
        return project.map { "\($0)/\(service)" } ?? service
    }
}
