import BlackboxStore
import DockerEngine
import Logging

extension Recorder {
    /// Samples one running container every ``RecorderConfiguration/sampleInterval``, from its cgroup files or with
    /// one-shot stats reads (``SamplerMode``), until it stops, its sampler is stopped, or the task is cancelled.
    /// Each container has its own loop, so a slow answer for one never delays the others.
    func sample(_ inspect: ContainerInspect) async {
        let containerID = inspect.id
        guard let generation = await samplers.start(containerID) else { return }
        if let source = await sampling.source(for: inspect) {
            await sampleUntilStopped(inspect, from: source, generation: generation)
        }
        await samplers.finish(containerID, generation: generation)
    }

    private func sampleUntilStopped(_ inspect: ContainerInspect, from source: SamplerSelection.Source, generation: Int) async {
        let containerID = inspect.id
        let clock = ContinuousClock()
        var deadline = clock.now
        var previous: StatsReading?
        while await samplers.isActive(containerID, generation: generation), !Task.isCancelled {
            do {
                let reading: StatsReading
                switch source {
                case .api:
                    reading = try await client.statsOneShot(containerID)
                    // A stopped container answers with an empty reading (zero time).
                    guard reading.readNanos > 0 else { return }
                case .cgroup(let paths, let pid):
                    reading = try sampling.cgroups.read(paths, pid: pid)
                }
                let sample = ResourceSample(containerID: containerID, current: reading, previous: previous, cpuLimit: inspect.hostConfig.cpuLimit)
                await writer.write(samples: [sample])
                previous = reading
            } catch EngineError.notFound {
                return
            } catch is CgroupError {
                // The container's cgroup is removed when it stops.
                return
            } catch is CancellationError {
                return
            } catch {
                logger.debug("no sample", metadata: ["container.id": "\(containerID)", "error": "\(error.localizedDescription)"])
            }
            deadline = max(deadline + configuration.sampleInterval, clock.now)
            do {
                try await clock.sleep(until: deadline)
            } catch {
                return
            }
        }
    }
}
