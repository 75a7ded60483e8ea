import BlackboxStore

extension Checklist {
    /// Check 6: `${VAR}` with no default whose variable is set neither in the environment nor in `.env`, and
    /// `${VAR:?message}` whose variable is missing: the value would be empty (compose warns and goes on) or compose refuses.
    func variableFindings() -> [Finding] {
        var seen: Set<String> = []
        let services = servicesByFile()
        return project.unsetVariables.compactMap { variable -> Finding? in
            guard seen.insert("\(variable.name)@\(variable.location)").inserted else { return nil }
            let required = variable.message.map { ": \($0)" } ?? ""
            return Finding(
                .error, "variable", service: Self.service(at: variable.location, in: services), at: variable.location,
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

    /// Each file's services, by the line of their key, in line order.
    private func servicesByFile() -> [String: [(line: Int, name: String)]] {
        Dictionary(grouping: project.services, by: \.location.file).mapValues { services in
            services.map { (line: $0.location.line, name: $0.name) }.sorted { $0.line < $1.line }
        }
    }

    /// The service whose definition holds this location, if any (the nearest service key above it in the same file),
    /// by binary search.
    private static func service(at location: ComposeLocation, in services: [String: [(line: Int, name: String)]]) -> String? {
        guard let lines = services[location.file] else { return nil }
        var low = 0
        var high = lines.count
        while low < high {
            let middle = (low + high) / 2
            if lines[middle].line <= location.line { low = middle + 1 } else { high = middle }
        }
        return low > 0 ? lines[low - 1].name : nil
    }
}
