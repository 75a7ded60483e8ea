import BlackboxCore
import BlackboxStore
import Foundation

extension Checklist {
    /// Check 8, static: a command that runs a compound script under `sh -c` (without `exec` and without `init: true`)
    /// leaves the shell as PID 1, which does not forward SIGTERM: every stop waits out the grace period and ends in SIGKILL.
    func shellFormFindings(_ service: ComposeService) -> [Finding] {
        guard service.initProcess?.value != true else { return [] }
        let entrypoint = service.entrypoint?.value.words ?? []
        let words = entrypoint + (service.command?.value.words ?? [])
        guard let at = service.entrypoint?.location ?? service.command?.location,
            let shell = words.first, ["sh", "bash", "ash", "dash"].contains(shell.split(separator: "/").last.map(String.init) ?? ""),
            let flag = words.firstIndex(of: "-c"), flag + 1 < words.count
        else { return [] }
        let script = words[flag + 1].trimmingCharacters(in: .whitespaces)
        // A script of one simple command is exec'd by the shell (bash, dash, busybox ash): the command becomes PID 1.
        let compound = [";", "&", "|", "\n", "`", "$(", "while ", "for ", "if "].contains { script.contains($0) }
        // A script whose last command is exec'd hands PID 1 to it; one that traps TERM handles the signal itself.
        let lastCommand = script.components(separatedBy: CharacterSet(charactersIn: ";&|\n")).last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let execsLast = lastCommand?.trimmingCharacters(in: .whitespaces).hasPrefix("exec ") == true
        guard compound, !script.hasPrefix("exec "), !execsLast, !script.contains("trap ") else { return [] }
        return [
            Finding(
                .warning, "shutdown", service: service.name, at: at,
                "\(service.name) runs its command under `\(shell) -c`: the shell is PID 1 and does not forward SIGTERM, so a stop waits \(gracePeriod(service)) and ends in SIGKILL",
                evidence: [.init("command", .list(CredentialRedactor().redact(arguments: words)))],
                fix: "init: true (an init process forwards the signal), or start the script's last command with `exec`, or use the exec form [\"app\", \"arg\"]")
        ]
    }

    /// Check 8, from history: stops that escalated to SIGKILL after the stop timeout (incidents with the trigger `stop_timeout`).
    func shutdownFindings(_ service: ComposeService, _ history: ServiceHistory) -> [Finding] {
        let killed = history.incidents.filter { $0.triggerKinds.contains(IncidentTrigger.stopTimeout.rawValue) }
        guard let latest = killed.first else { return [] }
        let grace = service.stopGracePeriodNanos?.value ?? 10_000_000_000
        let count = killed.reduce(0) { $0 + $1.occurrences }
        return [
            Finding(
                .warning, "shutdown", service: service.name, at: service.stopGracePeriodNanos?.location ?? service.location,
                "\(service.name) was killed with SIGKILL after its stop timeout \(count) time\(count == 1 ? "" : "s"); latest: \(Self.cite(latest))",
                evidence: [
                    .init("stop_timeouts", Int64(count)), .init("incident", Int64(latest.id ?? 0)),
                    .init("stop_grace_period_s", Int64(grace / 1_000_000_000)),
                ],
                fix: "make it exit on SIGTERM: init: true, or the exec form of its command; if it needs longer to shut down, stop_grace_period: \(grace * 3 / 1_000_000_000)s")
        ]
    }

    /// Check 9: `restart: always` or `unless-stopped` on a service with a recorded restart loop (an incident the
    /// `restart-loop` playbook matched): the policy hides the failure by retrying forever.
    func restartFindings(_ service: ComposeService, _ history: ServiceHistory) -> [Finding] {
        guard let restart = service.restart, ["always", "unless-stopped"].contains(restart.value),
            let (loop, _) = history.incidents(matching: "restart-loop").first
        else { return [] }
        return [
            Finding(
                .warning, "restart-loop", service: service.name, at: restart.location,
                "\(service.name) has restart: \(restart.value) and was in a restart loop (\(loop.occurrences) failures): \(Self.cite(loop))",
                evidence: [.init("incident", Int64(loop.id ?? 0)), .init("occurrences", Int64(loop.occurrences))],
                fix: "restart: on-failure:5 so that a failure on every start stops and stays visible, and fix its cause (`blackbox incident show \(loop.id ?? 0)`)")
        ]
    }

    private func gracePeriod(_ service: ComposeService) -> String {
        let nanos = service.stopGracePeriodNanos?.value ?? 10_000_000_000
        return Units.span(nanos: nanos) + (service.stopGracePeriodNanos == nil ? " (the default stop_grace_period)" : "")
    }
}
