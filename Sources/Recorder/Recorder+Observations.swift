import BlackboxStore
import DockerEngine
import Foundation
import Logging

extension Recorder {
    /// Inspects a container and appends the redacted snapshot. Returns the inspect, or nil when the
    /// container is gone or the engine failed (logged).
    func snapshot(_ containerID: String, trigger: String?) async -> ContainerInspect? {
        await snapshotDocument(containerID, trigger: trigger)?.0
    }

    /// ``snapshot(_:trigger:)``, returning the engine's document too (not redacted: for reading host facts only).
    func snapshotDocument(_ containerID: String, trigger: String?) async -> (ContainerInspect, Data)? {
        guard let (inspect, json) = await inspectContainer(containerID) else { return nil }
        await storeSnapshot(inspect, json: json, timeNanos: Timestamp.nowNanos(), trigger: trigger)
        return (inspect, json)
    }

    /// `GET /containers/{id}/json`: the inspect and its JSON, or nil when the container is gone or the engine failed (logged).
    func inspectContainer(_ containerID: String) async -> (ContainerInspect, Data)? {
        do {
            let (inspect, json) = try await client.inspectContainer(containerID)
            await facts.setTTY(inspect.config.tty, for: containerID)
            return (inspect, json)
        } catch EngineError.notFound {
            logger.debug("container gone before it could be inspected", metadata: ["container.id": "\(containerID)"])
        } catch is CancellationError {
            return nil
        } catch {
            logger.warning("cannot inspect a container", metadata: ["container.id": "\(containerID)", "error": "\(error.localizedDescription)"])
        }
        return nil
    }

    /// Appends an inspect snapshot, redacted, stamped with `timeNanos` (when the engine answered).
    func storeSnapshot(_ inspect: ContainerInspect, json: Data, timeNanos: Int64, trigger: String?) async {
        guard let redacted = configuration.redactor.redactInspect(json) else {
            logger.warning("the engine's inspect answer is not a JSON object; not stored", metadata: ["container.id": "\(inspect.id)"])
            return
        }
        await write(.inspect(inspect, redactedJSON: redacted, timeNanos: timeNanos, trigger: trigger))
    }

    /// Reads the last log lines of a container that died and appends them, or appends why they could not be read.
    /// Returns the lines as stored (redacted), nil when none were read.
    ///
    /// The first read happens at once, to beat `--rm`; the engine copies a container's last output to its log
    /// asynchronously, so a second read half a second later is kept when it holds more text (or more lines), and a
    /// tail still without text then is read once more 1.5 s later.
    @discardableResult
    func captureLogTail(_ containerID: String, name: String?, trigger: String) async -> [LogLine]? {
        let time = Timestamp.nowNanos()
        let tty = await facts.isTTY(containerID)
        var lines: [LogLine]?
        var failure: String?
        do {
            lines = try await client.logs(containerID, tail: configuration.logTailLines, tty: tty)
            // A tail still without text after the second read gets a third, later one: a loaded engine (Podman's
            // conmon under the test suite's load, measured) may not have copied the last output yet, or has copied
            // only an empty line of it so far.
            func textLines(_ tail: [LogLine]?) -> Int { tail?.count { !$0.text.isEmpty } ?? 0 }
            for delay in [Duration.milliseconds(500), .milliseconds(1500)] {
                try await Task.sleep(for: delay)
                if let later = try? await client.logs(containerID, tail: configuration.logTailLines, tty: tty),
                    (textLines(later), later.count) > (textLines(lines), lines?.count ?? 0)
                {
                    lines = later
                }
                if textLines(lines) > 0 { break }
            }
        } catch EngineError.notFound {
            failure = "the container was removed before its logs could be read (run with --rm or removed at once)"
        } catch is CancellationError {
            if lines == nil { return nil }
        } catch {
            failure = error.localizedDescription
        }
        let redacted = lines.map(configuration.redactor.redact(logLines:))
        await write(
            .logTail(
                containerID: containerID, containerName: name, lines: redacted?.lines, failure: failure, timeNanos: time, trigger: trigger,
                redacted: redacted?.redacted))
        return redacted?.lines
    }

    /// Inspects a container and records a failed start if it has one (``StartFailureCheck``): it is not running and
    /// `State.Error` is set, whether it never ran or ran before.
    func recordStartFailure(_ containerID: String, trigger: String?) async {
        guard let (inspect, json) = await inspectContainer(containerID), StartFailureCheck.shows(inspect.state) else { return }
        await recordStartFailure(inspect, json: json, trigger: trigger)
    }

    /// Records the failed start an inspect shows, with its snapshot when `json` is given (nil: already stored), unless
    /// it is one already recorded (``StartFailureCheck/isNew(_:recorded:storedError:)``: its text and `FinishedAt`
    /// against this session's last record, else the store's).
    func recordStartFailure(_ inspect: ContainerInspect, json: Data?, trigger: String?) async {
        let time = Timestamp.nowNanos()
        let recorded = await facts.startFailure(of: inspect.id)
        var storedError: String?
        if recorded == nil {
            // Only the writer knows what is queued: let it commit before the projection is asked.
            await writer.flush()
            storedError = (try? store.container(inspect.id))??.error
        }
        guard await facts.claimStartFailure(inspect.state, of: inspect.id, storedError: storedError) else { return }
        let key = trigger ?? "\(inspect.id)|\(time)"
        if let json { await storeSnapshot(inspect, json: json, timeNanos: time, trigger: trigger ?? key) }
        await write(.startFailure(inspect, timeNanos: time, trigger: key))
        await recordHostFacts(inspect.id, name: inspect.name, inspect: json, logLines: [], trigger: key)
        logger.info("start failure", metadata: ["container.name": "\(inspect.name)", "error": "\(inspect.state.error)"])
    }

    /// Checks for a failed start a moment after an event that may precede one (a network `connect`, an `attach`):
    /// the engine refuses the start after it.
    func recordStartFailure(after delay: Duration, _ containerID: String, trigger: String) async {
        do {
            try await Task.sleep(for: delay)
        } catch {
            return
        }
        await recordStartFailure(containerID, trigger: trigger)
    }
}
