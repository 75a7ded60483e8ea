import BlackboxCore
import ArgumentParser
import BlackboxStore
import BlackboxViews
import DockerEngine
import Foundation

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show a container's recorded resource samples, oldest first."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var compose: ComposeFilterOptions

    @Argument(help: ArgumentHelp("A container name (all containers that had it) or an id prefix; or give --service.", valueName: "name"))
    var container: String?

    @Option(help: ArgumentHelp(TimeArgument.help + " Default: 10m.", valueName: "time"))
    var since: TimeArgument?

    @Option(help: ArgumentHelp(TimeArgument.help, valueName: "time"))
    var until: TimeArgument?

    func validate() throws {
        if container == nil && compose.service == nil { throw ValidationError("name a container, or a compose service with --service") }
    }

    func run() throws {
        let store = try store.openForReading()
        var ids = try container.map { try StoreOptions.containerIDs($0, in: store) } ?? []
        if let service = try compose.containerIDs(in: store) { ids = container == nil ? service : ids.filter(service.contains) }
        let since = since?.unixNanos ?? TimeArgument.parse("10m", now: Date())
        let samples = try store.samples(containerIDs: ids, since: since, until: until?.unixNanos)
        if output.json {
            JSONOutput.print(samples.map(SampleView.init))
            return
        }
        let rows = samples.map { sample -> [String] in
            let memoryPercent = sample.memoryLimitBytes > 0 ? Double(sample.memoryWorkingSetBytes) / Double(sample.memoryLimitBytes) * 100 : nil
            return [
                Timestamp.rfc3339(unixNanos: sample.timeNanos), Units.percent(sample.cpuPercent), Units.percent(sample.cpuPercentOfLimit),
                "\(Units.bytes(sample.memoryWorkingSetBytes)) / \(Units.bytes(sample.memoryLimitBytes))", Units.percent(memoryPercent),
                Units.bytes(sample.memoryUsageBytes), String(sample.pids),
                "\(Units.bytes(sample.networkRxBytes)) / \(Units.bytes(sample.networkTxBytes))",
                "\(Units.bytes(sample.blockReadBytes)) / \(Units.bytes(sample.blockWriteBytes))", String(sample.cpuThrottledPeriods),
            ]
        }
        print(
            TableRenderer.render(
                headers: [
                    "TIME", "CPU %", "CPU % OF LIMIT", "WORKING SET / LIMIT", "MEM %", "MEM USAGE", "PIDS", "NET I/O", "BLOCK I/O", "THROTTLED",
                ], rows: rows))
    }
}
