import BlackboxStore
import DockerEngine

extension Recorder {
    /// Records a start that Podman's runtime refused (``RefusedStartCheck``): a `start_failure` row with the inspect
    /// as it is — `State.Error` empty, since Podman keeps no text — and its snapshot and host facts, as for a refusal
    /// that `State.Error` shows. Nothing when the container runs (a start that went through after all) or is gone.
    func recordRefusedStart(_ containerID: String, trigger: String) async {
        guard let (inspect, json) = await inspectContainer(containerID), !inspect.state.running, !inspect.state.restarting else { return }
        let time = Timestamp.nowNanos()
        await storeSnapshot(inspect, json: json, timeNanos: time, trigger: trigger)
        await write(.startFailure(inspect, timeNanos: time, trigger: trigger))
        await recordHostFacts(inspect.id, name: inspect.name, inspect: json, logLines: [], trigger: trigger)
        logger.info("start refused with no error text (cleanup without die)", metadata: ["container.name": "\(inspect.name)"])
    }
}
