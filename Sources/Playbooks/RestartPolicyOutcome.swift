import BlackboxCore
/// What a container's restart policy did after a failure, read from the inspect snapshot taken at its `die`
/// (`GET /containers/{id}/json`, Engine API v1.25+: `HostConfig.RestartPolicy.Name` and `.MaximumRetryCount`,
/// `RestartCount`, `State.Status`, `State.ExitCode`).
///
/// The engine decides before it sends `die`: a container its policy will start again is `restarting` in that
/// snapshot, one it will not is `exited`. So `on-failure:N` that failed with `RestartCount` = N and is `exited`
/// has given up, and the container stays down until someone starts it (measured on Docker 20.10, session
/// `restart-loop-unknown-cause`).
public struct RestartPolicyOutcome: Equatable, Sendable {
    /// `no`, `always`, `unless-stopped` or `on-failure` (`no` when the engine left it empty).
    public var name: String
    /// `MaximumRetryCount`: how many restarts `on-failure` makes; 0 = no bound.
    public var maximumRetryCount: Int
    /// `RestartCount`: restarts made by the policy since the last start by hand.
    public var restartCount: Int
    /// The policy will not start the container again after this failure.
    public var gaveUp: Bool

    /// Nil when the snapshot holds no restart policy.
    public init?(inspect: JSONValue?) {
        guard let inspect, let policy = inspect[path: "HostConfig.RestartPolicy.Name"]?.stringValue else { return nil }
        name = policy.isEmpty ? "no" : policy
        maximumRetryCount = Int(inspect[path: "HostConfig.RestartPolicy.MaximumRetryCount"]?.numberValue ?? 0)
        restartCount = Int(inspect[path: "RestartCount"]?.numberValue ?? 0)
        let exitCode = inspect[path: "State.ExitCode"]?.numberValue ?? 0
        gaveUp = name == "on-failure" && maximumRetryCount > 0 && restartCount >= maximumRetryCount
            && inspect[path: "State.Status"]?.stringValue == "exited" && exitCode != 0
    }

    /// The policy as `docker run --restart` spells it: `on-failure:4`, `always`.
    public var label: String { maximumRetryCount > 0 ? "\(name):\(maximumRetryCount)" : name }

    /// `restart policy on-failure:4, which gave up after 4 restarts: the container stays exited`.
    public var summary: String {
        gaveUp
            ? "restart policy \(label), which gave up after \(restartCount) restarts: the container stays exited until started by hand"
            : "restart policy \(label)"
    }
}
