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
    func startOrder() -> (order: [String], cycle: [String]?) {
        var order: [String] = []
        var state: [String: Bool] = [:]  // false: being visited, true: done
        var cycle: [String]?
        // The services being visited, outermost first: one array for the whole walk, so a long chain stays linear.
        var path: [String] = []
        func visit(_ name: String) {
            if state[name] == true || cycle != nil { return }
            if state[name] == false {
                cycle = Array(path.drop { $0 != name }) + [name]
                return
            }
            state[name] = false
            path.append(name)
            for dependency in project.service(name)?.dependsOn ?? [] where project.service(dependency.service) != nil {
                visit(dependency.service)
            }
            path.removeLast()
            state[name] = true
            order.append(name)
        }
        for service in project.services { visit(service.name) }
        return (order, cycle)
    }
}
