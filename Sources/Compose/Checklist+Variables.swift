import BlackboxStore

extension Checklist {
    /// Check 6: `${VAR}` with no default whose variable is set neither in the environment nor in `.env`, and
    /// `${VAR:?message}` whose variable is missing: the value would be empty (compose warns and goes on) or compose refuses.
    func variableFindings() -> [Finding] {
        var seen: Set<String> = []
        return project.unsetVariables.compactMap { variable -> Finding? in
            guard seen.insert("\(variable.name)@\(variable.location)").inserted else { return nil }
            let required = variable.message.map { ": \($0)" } ?? ""
            return Finding(
                .error, "variable", service: service(at: variable.location), at: variable.location,
                "${\(variable.name)} is used without a default and is not set\(required)",
                evidence: [.init("variable", variable.name)],
                fix: "set \(variable.name) in the environment or in \(project.directory)/.env, or give it a default: ${\(variable.name):-VALUE}")
        }
    }

    /// Check 6: a credential-looking variable (`DB_PASSWORD`, `API_TOKEN`, …) whose value is written literally in a
    /// compose file, which usually ends up in version control. The value is never shown.
    func credentialFindings(_ service: ComposeService) -> [Finding] {
        let redactor = CredentialRedactor()
        // `DB_PASSWORD_FILE=/run/secrets/db` names where a secret is, as compose secrets recommend: not a secret.
        let pointer = ["_FILE", "_PATH", "_DIR"]
        return service.environment.filter { variable in
            variable.literalInComposeFile && redactor.isCredential(name: variable.name)
                && !pointer.contains { variable.name.uppercased().hasSuffix($0) }
        }.map { variable in
            Finding(
                .warning, "credential", service: service.name, at: variable.location,
                "\(variable.name) of \(service.name) is written literally in \(variable.location.file) (value not shown)",
                evidence: [.init("variable", variable.name)],
                fix: "move the value to .env or an env_file kept out of version control and write `\(variable.name): ${\(variable.name)}`, or use compose secrets")
        }
    }

    /// The service whose definition holds this location, if any (the nearest service key above it in the same file).
    private func service(at location: ComposeLocation) -> String? {
        project.services.filter { $0.location.file == location.file && $0.location.line <= location.line }.max { $0.location.line < $1.location.line }?.name
    }
}
