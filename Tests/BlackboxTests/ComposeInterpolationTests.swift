@testable import Compose
import Testing

/// What compose refuses to interpolate in a compose file ("invalid interpolation format"), reported with file:line,
/// and the lenient reading of `env_file` values.
@Suite struct ComposeInterpolationTests {
    private func load(_ yaml: String, environment: [String: String]) throws -> ComposeProject {
        try ComposeLoader.load(files: ["compose.yaml"], environment: environment, workingDirectory: ComposeIncludeExtendsTests.root) { _, _ in yaml }
    }

    @Test func whatComposeRefusesToInterpolateIsReportedWithItsLine() throws {
        let project = try load(
            """
                services:
                  web:
                    image: "app:${TAG"
                    command: echo $1 and $$2
                    user: ${1}
                    restart: ${MODE:no}
                    network_mode: trailing$
                    environment:
                      OK: $${literal} ${SET:-x} $SET
                """, environment: ["SET": "s"])
        let advice = " (compose refuses the file; write $$ for a literal $)"
        #expect(project.problems.map(\.description) == [
            "compose.yaml:3: error: invalid interpolation format: a ${ without its closing }" + advice,
            "compose.yaml:4: error: invalid interpolation format: a $ followed by neither a variable name, { nor $" + advice,
            "compose.yaml:5: error: invalid interpolation format: ${…} must hold a variable name, optionally followed by :-, -, :?, ?, :+ or +" + advice,
            "compose.yaml:6: error: invalid interpolation format: ${…} must hold a variable name, optionally followed by :-, -, :?, ?, :+ or +" + advice,
            "compose.yaml:7: error: invalid interpolation format: a $ at the end of a value" + advice,
        ])
        #expect(project.service("web")?.image?.value == "app:${TAG")
        #expect(project.service("web")?.variable("OK")?.value == "${literal} s s")
    }

    @Test func envFileValuesAreInterpolatedLeniently() {
        var interpolator = Interpolator(variables: ["A": "a"])
        let at = ComposeLocation(file: "app.env", line: 1)
        #expect(interpolator.interpolate("$1 ${A} ${B", at: at, strict: false) == "$1 a ${B")
        #expect(interpolator.interpolate("cost: 5$", at: at, strict: false) == "cost: 5$")
        #expect(interpolator.problems.isEmpty)
        #expect(interpolator.interpolate("cost: 5$", at: at) == "cost: 5$")
        #expect(interpolator.problems.count == 1)
    }
}
