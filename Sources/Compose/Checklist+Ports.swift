extension Checklist {
    /// Check 3: a host port published twice in the project, or held by a running container outside it (from the
    /// store's latest inspect snapshots) or, on the engine's host, by a listening process.
    ///
    /// Published ranges are compared as ranges (``PublishedPorts``): one finding per pair of overlapping entries,
    /// found by a sweep sorted by first port, so the work grows with the `ports:` entries and the findings, not with
    /// the ports a range holds. The holders and listening ports are read once (``BulkPortLookups``) when the lookups
    /// offer it, and then only the held ports inside a range are looked at.
    func portFindings() throws -> [Finding] {
        var findings: [Finding] = []
        let bulk = lookups as? any BulkPortLookups
        let holders = bulk?.portHolders()
        let listening = onEngineHost ? bulk?.listeningPorts() : nil
        let entries = project.services.filter { $0.networkMode?.value != "host" }.flatMap { service in
            PublishedPorts.runs(service.ports).map { (service: service, run: $0.run, first: $0.first) }
        }
        let clashes = Self.clashes(entries.map(\.run))
        let taken = PublishedPorts.merged(entries.map(\.run.ports))
        var index = 0
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
            while index < entries.count, entries[index].service.name == service.name {
                let entry = entries[index]
                let earlier = clashes[index] ?? []
                for (other, shared) in earlier {
                    findings.append(duplicateFinding(entry.service, entry.first, entries[other].service, entries[other].first, shared, taken: taken))
                }
                for hostPort in Self.holderCandidates(entry.run.ports, holders: holders, listening: listening, onEngineHost: onEngineHost)
                where !earlier.contains(where: { $0.shared.contains(hostPort) }) {
                    if let finding = try holderFinding(service, entry.first, hostPort, holders: holders, listening: listening) { findings.append(finding) }
                }
                index += 1
            }
        }
        return findings
    }

    /// For each entry (by index in `runs`), the earlier entries it overlaps and the ports they share, earliest first.
    /// A sweep over the entries sorted by protocol and first port: only entries still open at a range's first port
    /// are compared with it, and each of those overlaps it unless the addresses differ.
    static func clashes(_ runs: [PublishedPorts]) -> [Int: [(other: Int, shared: ClosedRange<Int>)]] {
        let order = runs.indices.sorted { (runs[$0].proto, runs[$0].ports.lowerBound, $0) < (runs[$1].proto, runs[$1].ports.lowerBound, $1) }
        var open: [Int] = []
        var clashes: [Int: [(other: Int, shared: ClosedRange<Int>)]] = [:]
        for current in order {
            let run = runs[current]
            open.removeAll { runs[$0].proto != run.proto || runs[$0].ports.upperBound < run.ports.lowerBound }
            for other in open {
                guard let shared = runs[other].overlap(run) else { continue }
                clashes[max(other, current), default: []].append((min(other, current), shared))
            }
            open.append(current)
        }
        return clashes.mapValues { $0.sorted { $0.other < $1.other } }
    }

    /// The ports of `range` that could have a holder: when every holder (and, on the engine's host, every listening
    /// port) was read at once, only those inside the range, ascending; else every port of it.
    static func holderCandidates(_ range: ClosedRange<Int>, holders: [String: String]?, listening: Set<Int>?, onEngineHost: Bool) -> [Int] {
        guard let holders, !onEngineHost || listening != nil, range.count > 1 else { return Array(range) }
        let held = Set(holders.keys.compactMap { Int($0) }).union(listening ?? [])
        return held.filter { range.contains($0) }.sorted()
    }

    private func duplicateFinding(
        _ service: ComposeService, _ port: ComposePort, _ other: ComposeService, _ otherPort: ComposePort, _ shared: ClosedRange<Int>,
        taken: [ClosedRange<Int>]
    ) -> Finding {
        let evidence: [Finding.Evidence] = [.init("host_port", Int64(shared.lowerBound)), .init("other_service", other.name)]
        guard shared.count == 1 else {
            return Finding(
                .error, "port", service: service.name, at: port.location,
                "host ports \(PublishedPorts.describe(shared, port.proto)) published by both \(other.name) at \(otherPort.location) and \(service.name) here",
                evidence: evidence + [.init("last_host_port", Int64(shared.upperBound))],
                fix: "publish host ports outside \(shared.lowerBound)-\(shared.upperBound) for one of them, or drop the range from one")
        }
        return Finding(
            .error, "port", service: service.name, at: port.location,
            "host port \(shared.lowerBound)/\(port.proto) is published twice in the project: by \(service.name) here and by \(other.name) at \(otherPort.location)",
            evidence: evidence,
            fix: "publish another host port for one of them, e.g. \"\(PublishedPorts.nextFree(above: shared.lowerBound, in: taken)):\(port.containerPort(for: shared.lowerBound))\"")
    }

    /// - Parameters:
    ///   - holders: every port's holder, when read at once; nil to ask the lookups for this port.
    ///   - listening: the ports listened on, when read at once; a port not in it has no process to look for.
    private func holderFinding(_ service: ComposeService, _ port: ComposePort, _ hostPort: Int, holders: [String: String]?, listening: Set<Int>?) throws -> Finding? {
        let evidence = [Finding.Evidence("host_port", Int64(hostPort))]
        let fix = "stop the holder first, or publish another host port: \"\(hostPort + 1):\(port.containerPort(for: hostPort))\""
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

}
