import Foundation
import Testing

/// The test helper that runs programs reads stdout and stderr at once.
@Suite struct ProcessRunnerTests {
    /// stdout was read to its end before stderr, so a child writing more than a pipe holds to stderr hung.
    @Test func aChildFillingStderrCompletes() throws {
        let result = try ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "head -c 200000 /dev/zero >&2; echo ok"])
        #expect(result.status == 0)
        #expect(result.stdout == "ok\n")
        #expect(result.stderr.utf8.count == 200_000)
    }
}
