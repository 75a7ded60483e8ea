/// The kinds of rows in the event log (`events.kind`).
public enum EventKind: String, Sendable, Codable, CaseIterable {
    /// A line of the engine's `/events`, verbatim.
    case engine
    /// The engine's identity when the recorder connected: `/version`, `/info`, the address and negotiated API version.
    case engineInfo = "engine_info"
    /// A `/containers/{id}/json` snapshot, credentials redacted.
    case inspect
    /// The last log lines of a container that died, or why they could not be read.
    case logTail = "log_tail"
    /// A start that failed (the container stays `created` with `State.Error`); the engine sends no event for it.
    case startFailure = "start_failure"
    /// The recorder started / stopped: the store is blind outside these.
    case recorderStart = "recorder_start"
    case recorderStop = "recorder_stop"
    /// A container that a start-up or reconnect scan found exited while the store last saw it running: its `die`
    /// was never received (the engine or the recorder was down, or the engine dropped the event).
    case reconciledExit = "reconciled_exit"
}
