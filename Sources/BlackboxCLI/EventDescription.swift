import BlackboxCore
import BlackboxStore
import BlackboxViews
import DockerEngine
import Foundation
import Playbooks

/// How one stored event reads in `events` and other listings.
enum EventDescription {
    static func containerName(_ event: EventRecord, names: [String: String]) -> String {
        event.containerID.map { EventView.containerName(event, id: $0, names: names) } ?? "-"
    }

    /// `container die`, `network disconnect`, `inspect`, `log tail`, `start failure`, …
    static func title(_ event: EventRecord) -> String {
        switch event.kind {
        case .engine: "\(event.type ?? "?") \(event.action ?? "?")"
        default: event.kind.rawValue.replacingOccurrences(of: "_", with: " ")
        }
    }

    /// `events` (oldest first) are the listing's others: an `update` shows what it changed from the inspect snapshots
    /// around it (``ContainerUpdateChange``).
    /// A container's text as a listing quotes it: at most `length` characters, the last one `…` where it was cut.
    static func clipped(_ text: String, to length: Int = 80) -> String {
        text.count > length ? text.prefix(length - 1) + "…" : text
    }

    static func details(_ event: EventRecord, among events: [EventRecord] = []) -> String {
        let payload = Data(event.payload.utf8)
        switch event.kind {
        case .engine:
            if let change = ContainerUpdateChange.summary(of: event, in: events) { return change }
            var parts: [String] = []
            if let exitCode = event.exitCode { parts.append("exitCode=\(exitCode)") }
            if let signal = event.signal { parts.append("signal=\(signal)") }
            if event.action == "create", let image = event.image { parts.append("image=\(image)") }
            if event.type == "network", let id = event.containerID { parts.append("container=\(id.prefix(12))") }
            return parts.joined(separator: " ")
        case .inspect:
            guard let inspect = try? ContainerInspect.decode(payload) else { return "" }
            var parts = ["status=\(inspect.state.status)", "exitCode=\(inspect.state.exitCode)"]
            if inspect.state.oomKilled { parts.append("OOMKilled=true") }
            if let health = inspect.state.healthStatus { parts.append("health=\(health)") }
            if inspect.hostConfig.memoryBytes > 0 { parts.append("memory=\(Units.bytes(inspect.hostConfig.memoryBytes))") }
            return parts.joined(separator: " ")
        case .logTail:
            guard let tail = try? JSONDecoder().decode(EventRecord.LogTail.self, from: payload) else { return "" }
            guard tail.captured else { return "not captured: \(tail.reason ?? "unknown reason")" }
            // The line that says most about the failure (an error rather than a banner the next run printed).
            guard let most = ErrorLine.mostInformative(tail.lines) else { return "\(tail.lines.count) line\(tail.lines.count == 1 ? "" : "s")" }
            return tail.lines.count == 1 ? "1 line: \(clipped(most.text))" : "\(tail.lines.count) lines, most informative: \(clipped(most.text))"
        case .hostFacts:
            guard let facts = try? JSONDecoder().decode(EventRecord.HostFacts.self, from: payload) else { return "" }
            let paths = facts.paths.keys.sorted().map { "\($0): \(facts.paths[$0] ?? "")" }
            let ports = facts.ports.keys.sorted().map { port in
                let holder = facts.ports[port]
                return "port \(port): " + ([holder?.container.map { "container \($0)" }, holder?.process].compactMap { $0 }.joined(separator: ", "))
            }
            return (paths + ports).joined(separator: "; ")
        case .startFailure:
            guard let failure = try? JSONDecoder().decode(EventRecord.StartFailure.self, from: payload) else { return "" }
            return "exitCode=\(failure.exitCode) \(failure.error)"
        case .kernelOOM:
            guard let oom = try? JSONDecoder().decode(EventRecord.KernelOOM.self, from: payload) else { return "" }
            return "oom_kills=\(oom.oomKillsBefore)→\(oom.oomKillsAfter) from \(oom.file) (cgroup \(oom.cgroup), read at \(oom.readAt))"
        case .memoryPressure, .cpuPressure, .pidsPressure, .diskPressure:
            guard let pressure = EventRecord.Pressure.decode(event) else { return "" }
            return PressureDescription.details(pressure)
        case .errorBurst:
            guard let burst = EventRecord.ErrorBurst.decode(event) else { return "" }
            let most = burst.mostInformative.map { " most informative: \(clipped($0))" } ?? ""
            return "\(burst.phase.rawValue): \(burst.errorLines) error lines\(burst.phase == .start ? " within \(Units.span(nanos: burst.windowNanos))" : "")\(most)"
        case .reconciledExit:
            guard let exit = try? JSONDecoder().decode(EventRecord.ReconciledExit.self, from: payload) else { return "" }
            let code = exit.exitCode.map(String.init) ?? "unknown"
            let restarted = exit.restartedSince == true ? ", restarted since" : ""
            return "status=\(exit.status) exitCode=\(code)\(exit.oomKilled ? " OOMKilled=true" : "") (no die event was received\(restarted))"
        case .reconciledCreate, .reconciledStart, .reconciledRestart, .reconciledRemove, .recorderDisconnected, .recorderReconnected, .recorderGap, .rejectedLine:
            guard case .object(let object)? = JSONValue.parse(event.payload) else { return "" }
            return object.keys.sorted().map { "\($0)=\(object[$0] ?? .null)" }.joined(separator: " ")
        case .engineInfo, .recorderStart, .recorderStop:
            guard let object = JSONValue.parse(event.payload) else { return "" }
            var parts = ["address=\(object[path: "address"]?.stringValue ?? "?")"]
            if let version = object[path: "version.Version"]?.stringValue { parts.append("engine=\(version)") }
            if let api = object[path: "api_version"]?.stringValue { parts.append("api=\(api)") }
            return parts.joined(separator: " ")
        }
    }
}
