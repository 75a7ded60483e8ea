import BlackboxStore
import Dispatch
import DockerEngine
import Logging

extension Recorder {
    /// Samples one running container every ``RecorderConfiguration/sampleInterval``, from its cgroup files or with
    /// one-shot stats reads (``SamplerMode``), until it stops, its sampler is stopped, or the task is cancelled.
    /// Each container has its own loop, so a slow answer for one never delays the others; the loops read on one
    /// shared grid of ticks (``nextTick(after:origin:interval:)``), so one tick's samples reach the writer together
    /// and are committed in one transaction. A cgroup sampler also watches the kernel's OOM counters
    /// (``noteOOMCounters(_:of:timeNanos:readAt:)``); `fromStart` says the container has just started (they are zero).
    /// Every sample is judged for resource pressure (``PressureDetector``); each start and end of an episode is
    /// appended as a pressure row. Meanwhile its logs are followed for error bursts (``followLogs(_:generation:)``).
    func sample(_ inspect: ContainerInspect, fromStart: Bool = false) async {
        let containerID = inspect.id
        guard let generation = await samplers.start(containerID) else { return }
        if let source = await sampling.source(for: inspect) {
            var notifier: OOMNotifier?
            if case .cgroup(let paths, _) = source {
                await oomWatches.begin(inspect, paths: paths, fromStart: fromStart)
                notifier = OOMNotifier(paths, queue: Self.oomQueue) { Task { await self.readOOMCountersOnNotice(inspect.id, paths) } }
            }
            await withDiscardingTaskGroup { group in
                group.addTask { await self.followLogs(inspect, generation: generation) }
                await sampleUntilStopped(inspect, from: source, generation: generation)
                // The follower sleeps between reads: the container has stopped, so it need not wake.
                group.cancelAll()
            }
            notifier?.cancel()
        }
        await samplers.finish(containerID, generation: generation)
    }

    /// The limits are the start snapshot's until a `docker update` hands a newer one (``SamplerRegistry/noteUpdate(_:)``).
    private func sampleUntilStopped(_ started: ContainerInspect, from source: SamplerSelection.Source, generation: Int) async {
        let containerID = started.id
        var inspect = started
        let clock = ContinuousClock()
        let files = CgroupFiles()
        var previous: StatsReading?
        var pressure = PressureDetector(policy: configuration.pressure, startedNanos: inspect.state.startedAtNanos ?? 0)
        if let open = try? store.openPressureEpisodes(containerID: containerID, startedNanos: pressure.startedNanos) { pressure.resume(open) }
        while await samplers.isActive(containerID, generation: generation), !Task.isCancelled {
            let readAt = clock.now
            if let updated = await samplers.takeUpdate(containerID, generation: generation) { inspect = updated }
            do {
                let reading: StatsReading
                switch source {
                case .api:
                    reading = try await client.statsOneShot(containerID)
                    // A stopped container answers with an empty reading (zero time).
                    guard reading.readNanos > 0 else { return }
                case .cgroup(let paths, let pid):
                    reading = try sampling.cgroups.read(paths, pid: pid, files: files)
                }
                let sample = ResourceSample(containerID: containerID, current: reading, previous: previous, cpuLimit: inspect.hostConfig.cpuLimit)
                await writer.write(samples: [sample])
                var filesystems: [FilesystemUsage] = []
                if case .cgroup(_, let pid) = source { filesystems = FilesystemUsageReader.read(inspect, pid: pid) }
                for change in pressure.observe(sample, limits: pressureLimits(inspect, source, files), filesystems: filesystems) {
                    await write(.pressure(change, of: inspect, timeNanos: sample.timeNanos))
                }
                if let counters = reading.oom {
                    await noteOOMCounters(counters, of: containerID, timeNanos: reading.readNanos, readAt: "sample")
                }
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
            do {
                // At least half an interval after this reading, so a container's first two readings are not a moment apart.
                let earliest = max(clock.now, readAt + configuration.sampleInterval / 2)
                try await clock.sleep(until: Self.nextTick(after: earliest, origin: samplers.origin, interval: configuration.sampleInterval))
            } catch {
                return
            }
        }
    }

    /// The limits a sample is judged against: the container's configuration, and `pids.max` read from its cgroup
    /// (the stats API does not give it).
    private func pressureLimits(_ inspect: ContainerInspect, _ source: SamplerSelection.Source, _ files: CgroupFiles) -> PressureLimits {
        guard case .cgroup(let paths, _) = source else { return PressureLimits(inspect.hostConfig, pids: nil, paths: nil) }
        return PressureLimits(inspect.hostConfig, pids: sampling.cgroups.pidsLimit(paths, files: files), paths: paths)
    }

    /// Where the OOM notifiers' handlers run (they only start a task).
    static let oomQueue = DispatchQueue(label: "blackbox.recorder.oom")

    /// The first tick after `instant` of the grid that starts at `origin` and has a tick every `interval`; a reading
    /// that took longer than an interval skips the ticks it missed.
    static func nextTick(after instant: ContinuousClock.Instant, origin: ContinuousClock.Instant, interval: Duration) -> ContinuousClock.Instant {
        origin + interval * (Int(((instant - origin) / interval).rounded(.down)) + 1)
    }
}
