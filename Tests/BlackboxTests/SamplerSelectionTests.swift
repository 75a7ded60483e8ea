import DockerEngine
import Foundation
import Logging
import Testing

@testable import Recorder

/// Which sampler a container gets (``SamplerSelection``) on a local engine.
@Suite struct SamplerSelectionTests {
    /// A container that exited before its sampler started has `State.Pid` 0: nothing to sample, and no fallback to the
    /// stats API announced (the fresh-user check saw "cannot read /proc/0/cgroup" logged as the reason to fall back).
    @Test func aContainerWithoutAProcessGetsNoSampler() async throws {
        let inspect = try ContainerInspect.decode(Fixtures.data("inspect-fx-ok.json"))
        #expect(inspect.state.pid == 0)
        for mode in [SamplerMode.auto, .cgroup, .api] {
            let selection = SamplerSelection(
                mode: mode, engine: try EngineAddress(parsing: "unix:///var/run/docker.sock"), logger: Logger(label: "test"))
            #expect(await selection.source(for: inspect) == nil, "mode \(mode)")
        }
    }
}
