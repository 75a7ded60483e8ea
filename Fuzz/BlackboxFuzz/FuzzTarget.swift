/// One fuzz target: a name (scripts/fuzz's and the seed corpus folder's, `Tests/BlackboxTests/Fixtures/hostile/fuzz/NAME`)
/// and what it does with one input. An input breaks an invariant by trapping (`precondition`), which libFuzzer reports.
struct FuzzTarget: Sendable {
    var name: String
    var run: @Sendable ([UInt8]) -> Void

    nonisolated(unsafe) static var selected = FuzzTarget(name: "", run: { _ in })

    static let all: [FuzzTarget] = [
        FuzzTarget(name: "events-line", run: fuzzEventsLine),
        FuzzTarget(name: "import-line", run: fuzzImportLine),
        FuzzTarget(name: "playbook", run: fuzzPlaybook),
        FuzzTarget(name: "playbook-regex", run: fuzzPlaybookRegex),
        FuzzTarget(name: "compose", run: fuzzCompose),
        FuzzTarget(name: "time", run: fuzzTime),
    ]
}
