extension CredentialRedactor {
    /// A command line as an argument vector (`Config.Cmd`, `Config.Entrypoint`, `Args`) with credentials replaced:
    /// the whole argument after a flag whose name is a credential (`--password VALUE`, `-token VALUE`; never after a
    /// flag that is not, so `-p 8080` stays), and within each argument what ``redact(text:)`` replaces
    /// (`--password=VALUE`, `DB_PASSWORD=VALUE`, `sh -c "… --password VALUE"`, `scheme://user:PASSWORD@host`).
    public func redact(arguments: [String]) -> [String] {
        var redacted: [String] = []
        var valueFollows = false
        for argument in arguments {
            if valueFollows && !argument.hasPrefix("-") {
                redacted.append(redactedValue(argument) ?? argument)
            } else {
                redacted.append(redact(text: argument))
            }
            valueFollows = Self.flagName(argument).map(isCredential(name:)) ?? false
        }
        return redacted
    }

    /// `exec_create: CMD` / `exec_start: CMD` with ``redact(text:)`` applied to CMD; other actions unchanged.
    func redact(action: String) -> String {
        guard action.hasPrefix("exec_"), let colon = action.firstIndex(of: ":") else { return action }
        return String(action[...colon]) + redact(text: String(action[action.index(after: colon)...]))
    }

    /// `NAME` of an argument `--NAME` or `-NAME` (without a value attached); nil for anything else.
    private static func flagName(_ argument: String) -> String? {
        guard argument.hasPrefix("-"), !argument.contains("=") else { return nil }
        let name = argument.drop { $0 == "-" }
        return name.isEmpty || argument.count - name.count > 2 ? nil : String(name)
    }
}
