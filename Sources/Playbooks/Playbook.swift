import BlackboxCore
import DockerEngine

/// A playbook: when it matches an incident, what evidence it gathers, its diagnosis and fix, and its actions.
///
/// Read from YAML by ``PlaybookParser``; the format is documented in `playbooks/README.md`.
public struct Playbook: Sendable {
    public enum Severity: String, Sendable, CaseIterable, Comparable {
        case critical, error, warning, info

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// The kind of failure a playbook explains, for grouping (`playbook list`).
    public enum FailureClass: String, Sendable, CaseIterable, Codable {
        case start, crash, resource, health, network, storage, dependency, stop
    }

    /// Unique id (`oom-kill`); a user's playbook with a built-in's id replaces it.
    public var id: String
    public var title: String
    public var severity: Severity
    /// What kind of failure it explains; nil when its file does not say (a user's playbook may leave it out).
    public var failureClass: FailureClass?
    /// Public reports of the failure it explains (`moby/moby#38352`, a URL): where its messages and fix come from.
    public var sources: [String] = []
    /// A fallback explains a failure only by its shape (a signal, a restart loop): it ranks after every playbook
    /// that knows a cause, so it is the diagnosis only when none does.
    public var fallback: Bool = false
    public var match: Predicate
    /// Named evidence, in the file's order.
    public var evidence: [(name: String, source: EvidenceSource)]
    /// Templates: `{{name}}` or `{{name|bytes}}` with evidence names and the built-in values.
    public var diagnosis: String
    public var fix: String
    /// Engine operations `playbook run --apply` performs, in order.
    public var actions: [ContainerOperation]
    /// Where it was read from (`playbooks/oom-kill.yaml` or `built-in:oom-kill.yaml`).
    public var source: String
    /// The YAML it was read from.
    public var yaml: String = ""
    /// ``diagnosis`` and ``fix`` parsed once, when the playbook is read.
    public var diagnosisTemplate: Template = .literal("")
    public var fixTemplate: Template = .literal("")

    /// How constrained the match can be at most: the facts its most specific way of matching names (the leaves of an
    /// `all` and of a `not`, the best branch of an `any`). The matcher ranks by the facts that held for the
    /// occurrence (``PlaybookMatcher/specificity(_:_:)``): more specific playbooks rank first.
    public var specificity: Int { match.leafCount }
}

/// A condition over an incident. Leaves look at one kind of fact; `all`/`any`/`not` combine them.
public indirect enum Predicate: Sendable {
    case all([Predicate])
    case any([Predicate])
    case not(Predicate)
    /// The incident's triggers include one of these (`die`, `oom`, `start_failure`, `unhealthy`, `stop_timeout`).
    case trigger([String])
    /// Some event of the incident's window matches.
    case event(EventPattern)
    /// Every path of the inspect snapshot at the failure satisfies its condition.
    case inspect([(path: String, condition: Condition)])
    /// Some element of the array at `path` (e.g. `Mounts`) satisfies every field condition.
    case inspectAny(path: String, fields: [(path: String, condition: Condition)])
    /// Some line of the log tail matches the regular expression.
    case log(String)
    /// An aggregate of a sample column (optionally divided by another) over the window satisfies the condition.
    case samples(SampleQuery, Condition)
    /// The number of matching events in the window satisfies the condition.
    case count(EventPattern, Condition)
    /// Events matching these patterns happened in this order (others may come between).
    case sequence([EventPattern])
    /// The incident's number of occurrences so far (this one included) satisfies the condition.
    case occurrences(Condition)
    /// The failure's exit code (its `die`, its start failure's `State.ExitCode`, or a reconciled exit's) satisfies it.
    case exitCode(Condition)
    /// A compose dependency of the container had failed just before (`failed`), or was not ready (`ready: false`:
    /// not running, unhealthy, or its health check still starting) when the container first failed.
    case dependency(failed: Bool?, ready: Bool?)
    /// Some recorder observation of this kind (`events.kind`: `kernel_oom`, `start_failure`, …) is in the window:
    /// facts the engine does not send as events.
    case observation(kind: String)
    /// Some log line matching the regex names (in its first capture group) a variable the container's `Config.Env`
    /// does not have, while it has a name that is a likely misspelling of it (``EnvironmentName/misspelling(of:in:)``).
    case envNear(log: String)
    /// Some log line matching the regex names (in its first capture group) a container path that a tmpfs mounted
    /// `noexec` holds (``LookupName/noexecTmpfs(holding:in:)``): a program there cannot be executed, whatever its mode.
    case noexecPath(log: String)
    /// `HostConfig.NetworkMode` is `container:ID` (compose `network_mode: service:NAME`) and that container was not
    /// running at the failure (stopped, removed or recreated): the namespace this one shares has no network left.
    /// False when the store's snapshots are not at hand.
    case networkPeerGone
    /// Some log line or health-check output matching the regex names (in its first capture group) an IP address that
    /// a running container holds while another container serves that container's compose service now
    /// (``LookupName/movedService(_:_:)``): the address was resolved once and has moved.
    case addressMoved(log: String)

    var leafCount: Int {
        switch self {
        case .all(let predicates): predicates.map(\.leafCount).reduce(0, +)
        case .any(let predicates): predicates.map(\.leafCount).max() ?? 0
        case .not(let predicate): predicate.leafCount
        case .inspect(let conditions): conditions.count
        // A dependency's state joins two facts: the compose relation and what the other container did; a misspelt
        // variable two too: the name a log line asks for and the near one the environment has; a path on a noexec
        // tmpfs: the line and the mount.
        case .dependency, .envNear, .noexecPath, .networkPeerGone, .addressMoved: 2
        case .sequence(let patterns): patterns.count
        default: 1
        }
    }
}

/// Which events a predicate or evidence counts: every given field must match.
public struct EventPattern: Sendable, Equatable {
    public var type: String?
    /// Matches the action with or without its suffix: `health_status` matches `health_status: unhealthy`.
    public var action: String?
    public var exitCode: Condition?
    /// The `signal` attribute, compared by number (`15`, `SIGTERM` and `TERM` are the same).
    public var signal: Condition?

    public init(type: String? = nil, action: String? = nil, exitCode: Condition? = nil, signal: Condition? = nil) {
        self.type = type
        self.action = action
        self.exitCode = exitCode
        self.signal = signal
    }
}

/// A sample column, optionally divided by another, aggregated over the incident's window.
public struct SampleQuery: Sendable, Equatable {
    public enum Aggregate: String, Sendable, CaseIterable {
        case max, min, avg, last, first
    }
    /// One of ``ResourceSample/measurements``.
    public var column: ResourceSample.Column
    public var dividedBy: ResourceSample.Column?
    public var aggregate: Aggregate
    /// How far before the incident's last trigger, nanoseconds.
    public var withinNanos: Int64
}

/// A test of one value.
public indirect enum Condition: Sendable, Equatable {
    case equals(JSONValue)
    case notEquals(JSONValue)
    case oneOf([JSONValue])
    case matches(String)
    case greaterOrEqual(Double)
    case greater(Double)
    case lessOrEqual(Double)
    case less(Double)
    case exists(Bool)
    case all([Condition])
}

/// Where an evidence value comes from.
public indirect enum EvidenceSource: Sendable {
    /// A path of the inspect snapshot at the failure, optionally reduced to the first capture group of a regex.
    case inspect(path: String, capture: String?)
    /// A field of the first element of the array at `path` that satisfies `where`.
    case inspectAny(path: String, fields: [(path: String, condition: Condition)], field: String)
    /// An aggregate over samples.
    case samples(SampleQuery)
    /// How many events match in the window.
    case count(EventPattern)
    /// The text of the last log line matching the regex (or its first capture group).
    case log(String)
    /// A field of the incident's last `die` (or trigger): `exit_code`, `signal`, `action`.
    case trigger(String)
    /// The sum of evidence values and numbers.
    case sum([JSONValue])
    /// The largest of evidence values and numbers (missing ones are left out).
    case maximum([JSONValue])
    /// The first of these evidence values that the failure has (the same fact read from two places).
    case first([String])
    /// The last outputs and exit codes of the health check, from every snapshot recorded in the window.
    case healthLog(Int)
    /// The last line of the health check's outputs (`State.Health.Log[].Output`) matching the regex, or its first
    /// capture group: what the probe printed.
    case healthOutput(String)
    /// A lookup (``LookupName``) keyed by the evidence value `argument`: in the store, on the engine's host, in the
    /// host facts recorded at the failure or in its inspect snapshot; optionally reduced to the first capture group of
    /// a regex.
    case lookup(LookupName, argument: String, capture: String?)
    /// The exit codes of the incident's occurrences up to this one, in order.
    case exitCodes
    /// A field of the dependency the failure depends on — the one that failed just before, else one not ready:
    /// `service`, `container`, `state` (a summary), `incident` (its id), `condition` (the `depends_on` condition).
    case dependency(String)
    /// A field (a path into the payload) of the last recorder observation of this kind in the window, optionally
    /// reduced to the first capture group of a regex; without a field, how many such observations the window holds.
    case observation(kind: String, field: String?, capture: String?)
    /// The name in the container's `Config.Env` that is a likely misspelling of the variable named by the evidence
    /// value `of` (``EnvironmentName/misspelling(of:in:)``); never a value.
    case envNear(of: String)
}
