import BlackboxStore
import Playbooks
import Testing

/// `interpreter-not-found` with what the recorder read of the program: the loader of an ELF binary, a script's CRLF
/// first line, a shell the image lacks — and without facts, a check command that reaches the container's mounts.
@Suite struct InterpreterNotFoundTests {
    /// The recorded program of the failure, as ``RecordedLookups`` answers it.
    struct RecordedProgram: EvidenceLookups {
        let path: String
        let facts: EventRecord.ProgramFacts?
        func portHolder(hostPort: String, excluding containerID: String) -> String? { nil }
        func volumeUser(volume: String, excluding containerID: String) -> String? { nil }
        func pathOwner(_ path: String) -> String? { nil }
        func portProcess(_ port: String) -> String? { nil }
        func program(_ path: String) -> EventRecord.ProgramFacts? { path == self.path ? facts : nil }
    }

    static func rendered(_ facts: EventRecord.ProgramFacts?) throws -> (diagnosis: String, fix: String) {
        let library = PlaybookLibrary.builtIn
        let playbook = try #require(library.playbook(id: "interpreter-not-found"))
        var context = BreadthCase.context(.die(1), log: ["exec /app/sleep: no such file or directory"], inspect: .object([:]))
        context.lookups = RecordedProgram(path: "/app/sleep", facts: facts)
        let matcher = PlaybookMatcher(playbooks: library.playbooks)
        #expect(matcher.evaluate(playbook.match, context))
        let rendered = matcher.render(playbook, context)
        #expect(!rendered.diagnosis.contains("unknown") && !rendered.fix.contains("unknown"), "\(rendered.diagnosis) \(rendered.fix)")
        return (rendered.diagnosis, rendered.fix)
    }

    @Test func elfLoaderIsNamedAndNeverGetsTheCRLFFix() throws {
        let (diagnosis, fix) = try Self.rendered(
            EventRecord.ProgramFacts(kind: .elf, format: "ELF 64-bit LSB", interpreter: "/lib64/ld-linux-x86-64.so.2", isStatic: false))
        #expect(diagnosis.contains("program /app/sleep is an ELF binary linked against the dynamic loader /lib64/ld-linux-x86-64.so.2"))
        #expect(!diagnosis.contains("CRLF"))
        #expect(fix.contains("`CGO_ENABLED=0 go build`") && fix.contains("`-static`") && fix.contains("`apk add gcompat`"))
        #expect(!fix.contains("sed -i"), "\(fix)")
    }

    @Test func crlfScriptShowsItsLine() throws {
        let (diagnosis, fix) = try Self.rendered(EventRecord.ProgramFacts(kind: .script, firstLine: "#!/bin/sh\\r", endsInCR: true))
        #expect(diagnosis.contains("with Windows line ends (CRLF): its first line reads #!/bin/sh\\r"))
        #expect(fix.contains("`sed -i 's/\\r$//'`") && fix.contains("eol=lf"))
        #expect(!fix.contains("CGO_ENABLED"))
    }

    @Test func cleanShebangNamesTheMissingShell() throws {
        let (diagnosis, fix) = try Self.rendered(EventRecord.ProgramFacts(kind: .script, firstLine: "#!/bin/bash", endsInCR: false))
        #expect(diagnosis.contains("names the interpreter /bin/bash, which the image lacks"))
        #expect(fix.contains("Install /bin/bash") && !fix.contains("sed -i"))
    }

    @Test func withoutFactsTheCheckReadsThroughTheContainer() throws {
        let (diagnosis, fix) = try Self.rendered(nil)
        #expect(diagnosis.contains("Windows line ends (CRLF)") && diagnosis.contains("dynamic loader"))
        #expect(fix.contains("`docker cp app:/app/sleep - | tar -xO | head -c 64 | od -c`"), "\(fix)")
        #expect(fix.contains("never on a binary") && !fix.contains("docker run --rm"))
    }
}
