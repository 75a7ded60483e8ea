import BlackboxCore
import BlackboxStore
import DockerEngine
import Foundation
import Playbooks

extension Recorder {
    /// Reads, now that a failure is being recorded, the host facts its diagnosis may need — owner and mode of each
    /// bind-mount source, who holds each port it publishes or its error names, and what the program is when the kernel
    /// could not start it (`exec /app/server: no such file or directory`) — and appends them as `host_facts` keyed to
    /// `trigger`. Nothing is appended when there is nothing to read.
    ///
    /// - Parameter inspect: the engine's inspect document of the failure, when it could be read.
    func recordHostFacts(_ containerID: String, name: String?, inspect: Data?, logLines: [LogLine], trigger: String) async {
        let document = inspect.flatMap { JSONValue.parse(String(decoding: $0, as: UTF8.self)) }
        var facts = HostFactsReader.read(inspect: document, logLines: logLines, containerID: containerID, lookups: HostLookups(store: store))
        if let path = ProgramPath.failed(inspect: document, logLines: logLines), let program = await readProgram(containerID, path: path) {
            facts.programs = [path: program]
        }
        guard !facts.isEmpty else { return }
        await write(.hostFacts(facts, containerID: containerID, containerName: name, timeNanos: Timestamp.nowNanos(), trigger: trigger))
    }
}

/// Which host facts a failure's diagnosis may need, read through ``EvidenceLookups``. Pure but for the lookups.
enum HostFactsReader {
    /// Ports named by the engine's error or an application's "address already in use" line.
    private static let portPatterns = [
        #"Bind for [^ ]*:([0-9]+) failed"#, #":([0-9]+): bind: address already in use"#,
        #"(?i)address already in use[^0-9]*(?:[0-9.]*:)?([0-9]{2,5})"#, #"(?i)(?::|port )([0-9]{2,5})\D*(?:address already in use|EADDRINUSE)"#,
        #"EADDRINUSE[^0-9]*(?:[0-9.:\[\]]*:)?([0-9]{2,5})"#,
    ].map { try! NSRegularExpression(pattern: $0) }

    static func read(inspect: JSONValue?, logLines: [LogLine], containerID: String, lookups: any EvidenceLookups) -> EventRecord.HostFacts {
        var facts = EventRecord.HostFacts()
        if case .array(let mounts)? = inspect?[path: "Mounts"] {
            for mount in mounts where mount[path: "Type"]?.stringValue == "bind" {
                guard let source = mount[path: "Source"]?.stringValue, let owner = lookups.pathOwner(source) else { continue }
                facts.paths[source] = owner
            }
        }
        for port in ports(inspect: inspect, logLines: logLines) {
            let holder = EventRecord.PortHolder(
                container: lookups.portHolder(hostPort: port, excluding: containerID), process: lookups.portProcess(port))
            if holder.container != nil || holder.process != nil { facts.ports[port] = holder }
        }
        return facts
    }

    /// The host ports of the failure: published ones and those its error texts name, in order, once each.
    static func ports(inspect: JSONValue?, logLines: [LogLine]) -> [String] {
        var ports: [String] = []
        func add(_ port: String) { if Int(port).map({ (1...65535).contains($0) }) == true, !ports.contains(port) { ports.append(port) } }
        var texts = logLines.map(\.text).filter { $0.localizedCaseInsensitiveContains("address already in use") || $0.contains("EADDRINUSE") }
        if let error = inspect?[path: "State.Error"]?.stringValue { texts.insert(error, at: 0) }
        for text in texts {
            let range = NSRange(text.startIndex..., in: text)
            for pattern in portPatterns {
                for match in pattern.matches(in: text, range: range) {
                    if let port = Range(match.range(at: 1), in: text) { add(String(text[port])) }
                }
            }
        }
        if case .object(let bindings)? = inspect?[path: "HostConfig.PortBindings"] {
            for key in bindings.keys.sorted() {
                guard case .array(let hosts)? = bindings[key] else { continue }
                for host in hosts { if let port = host[path: "HostPort"]?.stringValue { add(port) } }
            }
        }
        return ports
    }
}
