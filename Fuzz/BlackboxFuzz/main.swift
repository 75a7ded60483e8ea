// The libFuzzer binary of blackbox's ingress parsers (built by scripts/fuzz with `-sanitize=fuzzer,address`).
//
// `BLACKBOX_FUZZ_TARGET=NAME BlackboxFuzz [libFuzzer options] CORPUS…` fuzzes one target of ``FuzzTarget/all``;
// libFuzzer's own options (`-max_total_time=60`, `-runs=0` to replay a corpus) follow. A crash, a timeout or an
// out-of-memory input is written where libFuzzer writes it (`crash-…`) and the process exits non-zero.
import Foundation

typealias Arguments = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<Arguments>, _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// libFuzzer's entry point when its own `main` is linked; this binary's `main` below selects the target first.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    FuzzTarget.selected.run(bytes)
    return 0
}

let name = ProcessInfo.processInfo.environment["BLACKBOX_FUZZ_TARGET"] ?? ""
guard let target = FuzzTarget.all.first(where: { $0.name == name }) else {
    FileHandle.standardError.write(Data("BlackboxFuzz: set BLACKBOX_FUZZ_TARGET to one of \(FuzzTarget.all.map(\.name).joined(separator: ", "))\n".utf8))
    exit(2)
}
FuzzTarget.selected = target
var argc = CommandLine.argc
var argv: Arguments = CommandLine.unsafeArgv
exit(runFuzzerDriver(&argc, &argv, { start, count in fuzzOneInput(start, count) }))
