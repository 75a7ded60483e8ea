import BlackboxStore
import DockerEngine
import Logging
import Playbooks

extension Recorder {
    /// Follows a running container's logs for bursts of error lines (``ErrorBurstDetector``) while its sampler runs:
    /// every ``ErrorBurstPolicy/pollInterval`` it reads the last ``ErrorBurstPolicy/linesPerPoll`` lines with their
    /// timestamps and judges those newer than the last one read (at first: since the container started, at most a
    /// burst window back). Each start and end of a burst is appended as an
    /// `error_burst` row, its lines redacted first. Does nothing when bursts are off or all follow slots are taken.
    func followLogs(_ inspect: ContainerInspect, generation: Int) async {
        guard let policy = configuration.errorBursts else { return }
        let containerID = inspect.id
        let (claimed, firstRefusal) = await logFollows.claim(containerID)
        guard claimed else {
            if firstRefusal {
                logger.info("not following logs for error bursts: the limit of followed containers is reached",
                    metadata: ["container.name": "\(inspect.name)", "limit": "\(policy.maximumContainers)"])
            }
            return
        }
        var detector = ErrorBurstDetector(policy: policy, startedNanos: inspect.state.startedAtNanos ?? 0)
        // A container that ran before the recorder: its old lines are history, not a burst now.
        var seenNanos = max(inspect.state.startedAtNanos ?? Int64.min, Timestamp.nowNanos() - policy.windowNanos)
        while await samplers.isActive(containerID, generation: generation), !Task.isCancelled {
            do {
                try await Task.sleep(for: policy.pollInterval)
                let lines = try await client.logs(containerID, tail: policy.linesPerPoll, tty: inspect.config.tty)
                // In time order across stdout and stderr, as they were written.
                let fresh = lines.filter { ($0.timeNanos ?? Int64.min) > seenNanos }.sorted { ($0.timeNanos ?? 0) < ($1.timeNanos ?? 0) }
                seenNanos = fresh.compactMap(\.timeNanos).max() ?? seenNanos
                let capped = fresh.count >= policy.linesPerPoll
                for change in detector.observe(fresh, capped: capped, nowNanos: Timestamp.nowNanos()) {
                    await write(.errorBurst(redacted(change), of: inspect, timeNanos: Timestamp.nowNanos()))
                }
            } catch is CancellationError {
                break
            } catch EngineError.notFound {
                break
            } catch {
                logger.debug("no log lines", metadata: ["container.id": "\(containerID)", "error": "\(error.localizedDescription)"])
            }
        }
        await logFollows.release(containerID)
    }

    /// The burst with its lines redacted, and its most informative line picked again from what is stored.
    private func redacted(_ burst: EventRecord.ErrorBurst) -> EventRecord.ErrorBurst {
        var burst = burst
        let (lines, counts) = configuration.redactor.redact(logLines: burst.lines)
        burst.lines = lines
        burst.redacted = counts.contains { $0 > 0 } ? counts : nil
        burst.mostInformative = ErrorLine.mostInformative(lines)?.text
        return burst
    }
}
