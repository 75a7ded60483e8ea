extension CredentialRedactor {
    /// Whether `name` (an environment variable, a label, a flag without its dashes, a key in a log line) holds a credential.
    ///
    /// The name is split into words at `_`, `-`, `.`, `/` and lower-to-upper case changes (`DB_PASSWORD` → DB, PASSWORD;
    /// `apiKey` → api, Key). It holds a credential when a word contains one of ``patterns`` (`PGPASSWORD`, `APIKEY`
    /// count), unless:
    /// - that word is an ordinary word that only contains a fragment (``ordinaryWords``: `AUTHOR`, `KEYBOARD`,
    ///   `BYPASS`, `TOKENIZERS`, …);
    /// - the last word says the value is *about* a credential, not the credential (``qualifierWords``: `FILE`,
    ///   `PATH`, `URL`, `HOST`, `USER`, `METHOD`, `MODE`, `TYPE`, `ENABLED`, `LENGTH`, `TIMEOUT`, `ID`, `ERROR`, …), so
    ///   `DB_PASSWORD_FILE`, `POSTGRES_HOST_AUTH_METHOD` and `AUTH_URL` keep their values (and `KeyError: 'SECRET_KEY'` is an error);
    /// - the first word makes it a switch (`no-auth`, `allow-empty-password`, `skip-auth`, `disable-…`, `enable-…`);
    /// - it is a file name (its last `.`-separated part is a common file extension: `auth_server.yml`, `server.key`).
    public func isCredential(name: String) -> Bool {
        let words = Self.words(of: name)
        guard let last = words.last, let first = words.first else { return false }
        if name.contains("."), let extensionPart = name.split(separator: ".").last, Self.fileExtensions.contains(extensionPart.lowercased()) {
            return false
        }
        if words.count > 1, Self.qualifierWords.contains(last) || Self.switchWords.contains(first) { return false }
        return words.contains { word in !Self.ordinaryWords.contains(word) && patterns.contains { word.contains($0) } }
    }

    /// `name`'s words, upper-cased.
    static func words(of name: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousWasLower = false
        for character in name {
            if character == "_" || character == "-" || character == "." || character == "/" || character == " " {
                if !current.isEmpty { words.append(current.uppercased()) }
                current = ""
                previousWasLower = false
                continue
            }
            if character.isUppercase, previousWasLower, !current.isEmpty {
                words.append(current.uppercased())
                current = ""
            }
            current.append(character)
            previousWasLower = character.isLowercase || character.isNumber
        }
        if !current.isEmpty { words.append(current.uppercased()) }
        return words
    }

    /// Words that contain a fragment but name no credential.
    public static let ordinaryWords: Set<String> = [
        "AUTHOR", "AUTHORS", "AUTHORED", "AUTHORITY", "AUTHORITIES", "KEYBOARD", "KEYSPACE", "KEYSPACES", "MONKEY", "HOTKEY", "HOTKEYS",
        "TURNKEY", "BYPASS", "PASSTHROUGH", "PASSTHRU", "PASSIVE", "COMPASS", "PASSENGER", "PASSAGE", "TOKENIZER", "TOKENIZERS",
        "TOKENIZE", "TOKENIZED", "PRIVATEIP", "KEYFRAME", "KEYFRAMES", "KEYWORD", "KEYWORDS",
    ]

    /// Last words that make a name describe a credential rather than hold it.
    public static let qualifierWords: Set<String> = [
        "FILE", "FILES", "FILENAME", "PATH", "DIR", "DIRECTORY", "LOCATION", "URL", "URI", "ENDPOINT", "HOST", "HOSTNAME", "PORT",
        "ADDR", "ADDRESS", "SERVER", "USER", "USERNAME", "NAME", "ID", "METHOD", "MODE", "TYPE", "KIND", "ALGORITHM", "ALG", "SCHEME",
        "ENABLED", "ENABLE", "DISABLED", "DISABLE", "REQUIRED", "LENGTH", "LEN", "SIZE", "BITS", "TTL", "TIMEOUT", "EXPIRY", "EXPIRES",
        "EXPIRATION", "LIFETIME", "INTERVAL", "PROVIDER", "BACKEND", "VERSION", "COUNT", "POLICY", "REGION", "PREFIX", "FORMAT",
        "HEADER", "PLUGIN", "SOURCE", "STORE", "VAULT", "LOCK", "ERROR", "EXCEPTION", "FAILED", "FAILURE", "MISMATCH", "REALM",
    ]

    /// First words that make a name a switch.
    public static let switchWords: Set<String> = ["NO", "ALLOW", "SKIP", "DISABLE", "ENABLE", "WITHOUT", "USE", "REQUIRE", "IGNORE"]

    /// Extensions that make a dotted name a file name.
    public static let fileExtensions: Set<String> = [
        "yml", "yaml", "json", "js", "mjs", "cjs", "ts", "py", "pyc", "rb", "go", "rs", "c", "h", "cc", "cpp", "hpp", "java", "class",
        "jar", "kt", "swift", "php", "conf", "cnf", "cfg", "ini", "toml", "xml", "txt", "log", "pem", "key", "crt", "cer", "csr", "der",
        "p12", "pfx", "jks", "pub", "env", "sh", "bash", "so", "dll", "html", "css", "md", "lock", "sql", "db", "sqlite", "gpg", "asc",
    ]
}
