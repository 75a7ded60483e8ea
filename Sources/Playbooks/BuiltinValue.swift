import BlackboxCore
import BlackboxStore
import DockerEngine
import Foundation

/// The values every playbook may use in its texts and conditions without declaring them as evidence: one case each,
/// so the linter's list (``TemplateRenderer/builtins``) and the matcher's values (``value(in:)``) cannot drift apart.
public enum BuiltinValue: String, CaseIterable, Sendable {
    case container, image
    case composeProject = "compose_project"
    case composeService = "compose_service"
    case exitCode = "exit_code"
    case exitMeaning = "exit_meaning"
    case signalName = "signal_name"
    case occurrences, trigger
    case firstSeen = "first_seen"
    case lastSeen = "last_seen"
    case restartPolicy = "restart_policy"
    case user
    case stateError = "state_error"
    case errorLine = "error_line"
    case ranFor = "ran_for"
    case logsUnavailable = "logs_unavailable"
    case logTailMissing = "log_tail_missing"
    case logDriver = "log_driver"
    case stopWaited = "stop_waited"
    case dependsOnAt = "depends_on_at"

    /// Whether every incident has the value, so a command may use it without a section.
    public var isAlwaysPresent: Bool {
        switch self {
        case .container, .occurrences, .trigger, .firstSeen, .lastSeen: true
        default: false
        }
    }

    /// The value for one incident, or nil when the incident does not have it.
    ///
    /// - `exit_code`: the incident's exit code (`State.ExitCode` of `GET /containers/{id}/json`); `exit_meaning` and
    ///   `signal_name` are read from it. `restart_policy`, `user`, `state_error`, `log_driver`: the inspect snapshot's
    ///   `HostConfig.RestartPolicy.Name` (`no` when empty), `Config.User` (root when empty), `State.Error`,
    ///   `HostConfig.LogConfig.Type`. `log_tail_missing`: true when the store holds no log tail of the failure at
    ///   all (the recorder was not running then), so nothing is known of what it printed. `first_seen`/`last_seen`: RFC 3339. `ran_for`, `stop_waited`: durations (`2m30s`).
    ///   `depends_on_at`: where the compose service's `depends_on` is written, `FILE:LINE` (``ComposeContext/dependsOnLocation``).
    func value(in context: IncidentContext) -> JSONValue? {
        let incident = context.incident
        switch self {
        case .container: return .string(incident.containerName ?? String(incident.containerID.prefix(12)))
        case .image: return incident.image.map(JSONValue.string)
        case .composeProject: return incident.composeProject.map(JSONValue.string)
        case .composeService: return incident.composeService.map(JSONValue.string)
        case .exitCode: return incident.exitCode.map { .number(Double($0)) }
        case .exitMeaning: return incident.exitCode.map { .string(ExitCode.meaning($0, afterARun: context.ran)) }
        case .signalName: return incident.exitCode.flatMap(Signal.name(forExitCode:)).map(JSONValue.string)
        case .occurrences: return .number(Double(incident.occurrences))
        case .trigger: return .string(incident.trigger)
        case .firstSeen: return .string(Timestamp.rfc3339(unixNanos: incident.openedNanos))
        case .lastSeen: return .string(Timestamp.rfc3339(unixNanos: incident.lastNanos))
        case .restartPolicy:
            return context.inspect?[path: "HostConfig.RestartPolicy.Name"].map { $0.description.isEmpty ? .string("no") : $0 }
        case .user:
            return context.inspect?[path: "Config.User"].map { $0.description.isEmpty ? .string("root (the image's default)") : $0 }
        case .stateError: return context.inspect?[path: "State.Error"].flatMap { $0.description.isEmpty ? nil : $0 }
        case .errorLine: return ErrorLine.mostInformative(context.logLines).map { .string($0.text) }
        case .ranFor: return context.history.last?.ranForNanos.map { .string(Units.span(nanos: $0)) }
        case .logsUnavailable: return context.logsUnavailable.map(JSONValue.string)
        case .logTailMissing: return context.logTailRecorded ? nil : .bool(true)
        case .logDriver: return context.inspect?[path: "HostConfig.LogConfig.Type"].flatMap { $0.description.isEmpty ? nil : $0 }
        case .stopWaited: return PlaybookMatcher.stopWaited(context).map { .string(Units.span(nanos: $0)) }
        case .dependsOnAt: return context.compose?.dependsOnLocation.map(JSONValue.string)
        }
    }
}
