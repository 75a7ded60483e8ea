import Playbooks

extension Checklist {
    /// Check 3: a host port published twice in the project, or held by a running container outside it (from the
    /// store's latest inspect snapshots) or, on the engine's host, by a listening process.
    ///
    /// Linear in the ports: they are indexed by port and protocol, and the holders and listening ports are read once
    /// (``BulkPortLookups``) when the lookups offer it.
    func portFindings() throws -> [Finding] {
        var findings: [Finding] = []
        // What each host port and protocol is published by so far, and every host port taken.
        var published: [String: [(service: ComposeService, port: ComposePort)]] = [:]
        var taken: Set<Int> = []
        var highest = 0
        let bulk = lookups as? any BulkPortLookups
        let holders = bulk?.portHolders()
        let listening = onEngineHost ? bulk?.listeningPorts() : nil
        for service in project.services {
            if service.networkMode?.value == "host" {
                if let first = service.ports.first {
                    findings.append(
                        Finding(
                            .warning, "port", service: service.name, at: first.location,
                            "\(service.name) uses network_mode: host, so the engine ignores its ports: it listens on the host's ports directly",
                            fix: "remove `ports:` from \(service.name), or drop network_mode: host"))
                }
                continue
            }
            for port in service.ports {
                guard let hostPort = port.hostPort else { continue }
                let key = "\(hostPort)/\(port.proto)"
                if let earlier = published[key]?.first(where: { Self.overlap($0.port.hostIP, port.hostIP) }) {
                    findings.append(
                        Finding(
                            .error, "port", service: service.name, at: port.location,
                            "host port \(hostPort)/\(port.proto) is published twice in the project: by \(service.name) here and by \(earlier.service.name) at \(earlier.port.location)",
                            evidence: [.init("host_port", Int64(hostPort)), .init("other_service", earlier.service.name)],
                            fix: "publish another host port for one of them, e.g. \"\(Self.freePortSuggestion(hostPort, taken: taken, highest: highest)):\(port.containerPort)\""))
                    continue
                }
                published[key, default: []].append((service, port))
                taken.insert(hostPort)
                highest = max(highest, hostPort)
                if let finding = try holderFinding(service, port, hostPort, holders: holders, listening: listening) { findings.append(finding) }
            }
        }
        return findings
    }

    /// - Parameters:
    ///   - holders: every port's holder, when read at once; nil to ask the lookups for this port.
    ///   - listening: the ports listened on, when read at once; a port not in it has no process to look for.
    private func holderFinding(_ service: ComposeService, _ port: ComposePort, _ hostPort: Int, holders: [String: String]?, listening: Set<Int>?) throws -> Finding? {
        let evidence = [Finding.Evidence("host_port", Int64(hostPort))]
        let fix = "stop the holder first, or publish another host port: \"\(Self.freePortSuggestion(hostPort, taken: [])):\(port.containerPort)\""
        if let holder = holders.map({ $0[String(hostPort)] }) ?? lookups.portHolder(hostPort: String(hostPort), excluding: "") {
            let holderProject = try store.flatMap { store in
                try store.containerIDs(named: holder).last.flatMap { try store.container($0)?.composeProject }
            }
            guard holderProject != project.name else { return nil }
            let outside = holderProject.map { " (compose project \($0))" } ?? " (outside project \(project.name))"
            return Finding(
                .error, "port", service: service.name, at: port.location,
                "host port \(hostPort) of \(service.name) is already published by the running container \(holder)\(outside): \(service.name) would fail to start with \"port is already allocated\"",
                evidence: evidence + [.init("holder", holder)], fix: fix)
        }
        guard onEngineHost, listening?.contains(hostPort) ?? true, let process = lookups.portProcess(String(hostPort)) else { return nil }
        if process.hasSuffix("(docker-proxy)") {
            return Finding(
                .warning, "port", service: service.name, at: port.location,
                "host port \(hostPort) of \(service.name) is held by \(process), the engine's proxy for a container that the store has not recorded as running",
                evidence: evidence + [.init("holder", process)], fix: "`docker ps --filter publish=\(hostPort)` names it; \(fix)")
        }
        return Finding(
            .error, "port", service: service.name, at: port.location,
            "host port \(hostPort) of \(service.name) is already in use on this host by \(process): \(service.name) would fail to start",
            evidence: evidence + [.init("holder", process)], fix: fix)
    }

    /// Two host addresses collide when they are equal or either is every address.
    private static func overlap(_ a: String?, _ b: String?) -> Bool {
        let any: Set<String?> = [nil, "", "0.0.0.0", "::"]
        return any.contains(a) || any.contains(b) || a == b
    }

    /// The next port above `port` not in `taken`, looked for among the next 100 ports, else the port above the
    /// highest taken one: constant work per suggestion, however many ports a range takes.
    private static func freePortSuggestion(_ port: Int, taken: Set<Int>, highest: Int = 0) -> Int {
        for candidate in port + 1...port + 100 where !taken.contains(candidate) { return candidate }
        return max(highest, port) + 1
    }
}
