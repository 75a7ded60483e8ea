import BlackboxStore
import DockerEngine
import Foundation
import Logging

extension Recorder {
    /// Inspects a container and appends the redacted snapshot. Returns the inspect, or nil when the
    /// container is gone or the engine failed (logged).
    func snapshot(_ containerID: String, trigger: String?) async -> ContainerInspect? {
        let time = Self.now()
        do {
            let (inspect, json) = try await client.inspectContainer(containerID)
            await facts.setTTY(inspect.config.tty, for: containerID)
            guard let redacted = configuration.redactor.redactInspect(json) else {
                logger.warning("the engine's inspect answer is not a JSON object; not stored", metadata: ["container.id": "\(containerID)"])
                return inspect
            }
            try write(.inspect(inspect, redactedJSON: redacted, timeNanos: time, trigger: trigger))
            return inspect
        } catch EngineError.notFound {
            logger.debug("container gone before it could be inspected", metadata: ["container.id": "\(containerID)"])
        } catch {
            logger.warning("cannot record an inspect snapshot", metadata: ["container.id": "\(containerID)", "error": "\(error.localizedDescription)"])
        }
        return nil
    }

    /// Reads the last log lines of a container that died and appends them, or appends why they could not be read.
    ///
    /// The first read happens at once, to beat `--rm`; the engine copies a container's last output to its log
    /// asynchronously, so a second read half a second later is kept when it holds more.
    func captureLogTail(_ containerID: String, name: String?, trigger: String) async {
        let time = Self.now()
        let tty = await facts.isTTY(containerID)
        var lines: [LogLine]?
        var failure: String?
        do {
            lines = try await client.logs(containerID, tail: configuration.logTailLines, tty: tty)
            try await Task.sleep(for: .milliseconds(500))
            if let later = try? await client.logs(containerID, tail: configuration.logTailLines, tty: tty), later.count > lines?.count ?? 0 {
                lines = later
            }
        } catch EngineError.notFound {
            failure = "the container was removed before its logs could be read (run with --rm or removed at once)"
        } catch is CancellationError {
            if lines == nil { return }
        } catch {
            failure = error.localizedDescription
        }
        do {
            try write(.logTail(containerID: containerID, containerName: name, lines: lines.map(configuration.redactor.redact(lines:)), failure: failure, timeNanos: time, trigger: trigger))
        } catch {
            logger.error("cannot store a log tail", metadata: ["container.id": "\(containerID)", "error": "\(error.localizedDescription)"])
        }
    }

    /// Inspects a container and records a failed start if it has one: it is `created` and `State.Error` is set.
    func recordStartFailure(_ containerID: String, trigger: String?) async {
        do {
            let (inspect, json) = try await client.inspectContainer(containerID)
            guard inspect.state.status == "created", !inspect.state.error.isEmpty else { return }
            recordStartFailure(inspect, json: json, trigger: trigger)
        } catch EngineError.notFound {
            return
        } catch {
            logger.warning("cannot check for a start failure", metadata: ["container.id": "\(containerID)", "error": "\(error.localizedDescription)"])
        }
    }

    /// Records the failed start an inspect shows, with its snapshot when `json` is given (nil: already stored).
    ///
    /// With a `trigger` (the network `disconnect` of the failed start) every failure is recorded once per trigger;
    /// without one (start-up scan, sweep) only a failure the containers projection does not know yet.
    func recordStartFailure(_ inspect: ContainerInspect, json: Data?, trigger: String?) {
        let time = Self.now()
        do {
            if trigger == nil, try store.container(inspect.id)?.error == inspect.state.error { return }
            if let json, let redacted = configuration.redactor.redactInspect(json) {
                try write(.inspect(inspect, redactedJSON: redacted, timeNanos: time, trigger: trigger))
            }
            try write(.startFailure(inspect, timeNanos: time, trigger: trigger ?? "\(inspect.id)|\(time)"))
            logger.info("start failure", metadata: ["container.name": "\(inspect.name)", "error": "\(inspect.state.error)"])
        } catch {
            logger.warning("cannot record a start failure", metadata: ["container.id": "\(inspect.id)", "error": "\(error.localizedDescription)"])
        }
    }
}
