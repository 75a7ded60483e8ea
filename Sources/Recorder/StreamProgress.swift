/// How far the recorder has handled the event stream: the latest engine event time handled (Unix nanoseconds) and
/// whether the handling loop is idle. The reconciliation waits on it before it decides that a change near the end of a
/// blind window was announced by no event, since that event may still be on its way on the live stream.
actor StreamProgress {
    private var latestNanos: Int64 = .min
    private var inFlight = false
    private var lastHandled = ContinuousClock.now

    /// Marks the start of handling an event whose `timeNano` is `timeNanos`.
    func begin(_ timeNanos: Int64) {
        inFlight = true
        latestNanos = max(latestNanos, timeNanos)
    }

    /// Marks the end of handling the event last begun.
    func end() {
        inFlight = false
        lastHandled = ContinuousClock.now
    }

    /// Returns once an event at or after `targetNanos` has been handled, or the loop has been idle for `quiet` (the
    /// engine has delivered nothing more), or after `limit` at most.
    func wait(past targetNanos: Int64, quiet: Duration = .seconds(1), limit: Duration = .seconds(30)) async {
        let deadline = ContinuousClock.now + limit
        let earliestQuiet = ContinuousClock.now + quiet
        while ContinuousClock.now < deadline {
            if latestNanos >= targetNanos { return }
            let now = ContinuousClock.now
            if !inFlight, now >= earliestQuiet, now - lastHandled >= quiet { return }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
