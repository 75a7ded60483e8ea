extension Checklist {
    /// Check 7: `depends_on` on a service that has a health check but without `condition: service_healthy`, on a
    /// service without any health check, on a service that does not exist, and dependency cycles; then the computed
    /// start order as an `info`.
    func dependencyFindings() -> [Finding] {
        var findings: [Finding] = []
        let names = project.services.prefix(10).map(\.name).joined(separator: ", ") + (project.services.count > 10 ? ", …" : "")
        for service in project.services {
            for dependency in service.dependsOn {
                guard let target = project.service(dependency.service) else {
                    findings.append(
                        Finding(
                            .error, "depends-on", service: service.name, at: dependency.location,
                            "\(service.name) depends on \(dependency.service), which is not a service of the project",
                            fix: "remove it from depends_on, or define it (services: \(names))"))
                    continue
                }
                if target.hasHealthcheck && dependency.condition == "service_started" {
                    findings.append(
                        Finding(
                            .warning, "depends-on", service: service.name, at: dependency.location,
                            "\(service.name) depends on \(target.name), which has a health check, but starts as soon as \(target.name) is started rather than healthy",
                            fix: "depends_on: {\(target.name): {condition: service_healthy}}"))
                } else if !target.hasHealthcheck && dependency.condition == "service_healthy" {
                    findings.append(
                        Finding(
                            .error, "depends-on", service: service.name, at: dependency.location,
                            "\(service.name) waits for \(target.name) to be healthy, but \(target.name) has no health check in the compose file",
                            fix: "give \(target.name) a healthcheck (test: [\"CMD\", …]), or use condition: service_started"))
                } else if !target.hasHealthcheck && dependency.condition == "service_started" {
                    findings.append(
                        Finding(
                            .info, "depends-on", service: service.name, at: dependency.location,
                            "\(target.name) has no health check in the compose file: \(service.name) may start before \(target.name) is ready (unless the image defines one)",
                            fix: "give \(target.name) a healthcheck and use depends_on: {\(target.name): {condition: service_healthy}}"))
                }
            }
        }
        let (order, cycle) = startOrder()
        if let cycle, let first = project.service(cycle[0]) {
            findings.append(
                Finding(
                    .error, "depends-on", service: first.name, at: first.dependsOn.first { $0.service == cycle[1] }?.location ?? first.location,
                    "dependency cycle: \(cycle.joined(separator: " → ")): compose cannot start these services",
                    evidence: [.init("cycle", .list(cycle))],
                    fix: "remove one of these depends_on entries"))
        } else if let first = project.services.first {
            findings.append(
                Finding(
                    .info, "start-order", service: nil, at: ComposeLocation(file: first.location.file, line: 0),
                    "start order: \(order.joined(separator: ", ")) (stop order: the reverse)",
                    evidence: [.init("start_order", .list(order))]))
        }
        return findings
    }

    /// Services in an order that starts each after its dependencies (file order among equals); or a cycle, first
    /// service repeated at its end.
    ///
    /// A depth-first walk with its own stack, not recursion: a chain of thousands of `depends_on` (a generated or
    /// hostile file) overflowed the thread's stack. Linear in services and dependencies.
    func startOrder() -> (order: [String], cycle: [String]?) {
        var order: [String] = []
        var state: [String: Bool] = [:]  // false: being visited, true: done
        // The services being visited, outermost first, each with its dependencies and the next one to visit.
        var path: [(name: String, dependencies: [String], next: Int)] = []
        func dependenciesOf(_ name: String) -> [String] {
            (project.service(name)?.dependsOn ?? []).map(\.service).filter { project.service($0) != nil }
        }
        for service in project.services where state[service.name] == nil {
            state[service.name] = false
            path.append((service.name, dependenciesOf(service.name), 0))
            while let (name, dependencies, next) = path.last {
                guard next < dependencies.count else {
                    path.removeLast()
                    state[name] = true
                    order.append(name)
                    continue
                }
                path[path.count - 1].next += 1
                let dependency = dependencies[next]
                switch state[dependency] {
                case true?:
                    continue
                case false?:
                    let names = path.map(\.name)
                    return (order, Array(names.drop { $0 != dependency }) + [dependency])
                case nil:
                    state[dependency] = false
                    path.append((dependency, dependenciesOf(dependency), 0))
                }
            }
        }
        return (order, nil)
    }
}
