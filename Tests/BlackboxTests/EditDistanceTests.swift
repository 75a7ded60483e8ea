import BlackboxCore
import Playbooks
import Testing

/// `EditDistance` and `EnvironmentName`: which name in a container's environment is a misspelling of the one a
/// program asked for (session `env-var-name-typo`, and the names of its threads).
struct EditDistanceTests {
    @Test(arguments: [
        ("POSTGRES_PASSWROD", "POSTGRES_PASSWORD", 1),  // a swap of two adjacent letters
        ("POSTRES_PASSWORD", "POSTGRES_PASSWORD", 1),  // mapswipe/python-mapswipe-workers#245: a letter left out
        ("POSTGRES_PASSWD", "POSTGRES_PASSWORD", 2),  // kartoza/docker-postgis#74: two left out
        ("DB_HOST", "DB_PORT", 2),
        ("PORT", "HOST", 2),
        ("API_KEY", "API_KEY", 0),
        ("", "ABC", 3),
        ("ABC", "", 3),
        ("CA", "ABC", 3),  // optimal string alignment: a swapped pair is not edited again
        ("api_key", "API_KEY", 6),  // case counts
    ])
    func distance(_ lhs: String, _ rhs: String, _ expected: Int) {
        #expect(EditDistance.between(lhs, rhs) == expected)
        #expect(EditDistance.between(rhs, lhs) == expected)
    }

    @Test func aMisspellingIsTheClosestNearNameButNeverTheNameItself() {
        let names = ["POSTGRES_USER", "POSTGRES_PASSWROD", "PATH"]
        #expect(EnvironmentName.misspelling(of: "POSTGRES_PASSWORD", in: names) == "POSTGRES_PASSWROD")
        #expect(EnvironmentName.misspelling(of: "POSTGRES_PASSWORD", in: ["POSTGRES_PASSWD"]) == "POSTGRES_PASSWD")
        #expect(EnvironmentName.misspelling(of: "POSTGRES_PASSWORD", in: ["POSTGRES_PASSWD", "POSTGRES_PASSWROD"]) == "POSTGRES_PASSWROD")
        #expect(EnvironmentName.misspelling(of: "POSTGRES_PASSWORD", in: ["postgres_password"]) == "postgres_password")
        // Set under its own name: the complaint is about its value, not its name.
        #expect(EnvironmentName.misspelling(of: "POSTGRES_PASSWORD", in: ["POSTGRES_PASSWORD", "POSTGRES_PASSWROD"]) == nil)
        #expect(EnvironmentName.misspelling(of: "POSTGRES_PASSWORD", in: ["POSTGRES_USER", "PATH"]) == nil)
    }

    @Test func shortNamesTwoEditsApartAreDifferentNames() {
        #expect(EnvironmentName.misspelling(of: "DB_HOST", in: ["DB_PORT"]) == nil)
        #expect(EnvironmentName.misspelling(of: "PORT", in: ["HOST"]) == nil)
        #expect(EnvironmentName.misspelling(of: "PORT", in: ["PROT"]) == "PROT")
    }

    @Test func namesAreReadFromConfigEnvWithoutTheirValues() {
        let inspect = JSONValue.object([
            "Config": .object(["Env": .array(["POSTGRES_PASSWROD=<redacted:8-15>", "EMPTY=", "A=b=c", "=x"].map(JSONValue.string))])
        ])
        #expect(EnvironmentName.names(in: inspect) == ["POSTGRES_PASSWROD", "EMPTY", "A"])
        #expect(EnvironmentName.names(in: nil) == [])
    }
}
