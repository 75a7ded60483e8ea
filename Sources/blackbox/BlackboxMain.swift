import ArgumentParser
import BlackboxCLI
import Foundation

@main
struct BlackboxMain {
    /// ArgumentParser's `main()`, but with standard output flushed before an error goes to standard error, so that
    /// output redirected to one file keeps its order (a summary printed before the error that refers to it), and the
    /// error's text escaped for the terminal (``Blackbox/exitEscaped(withError:)``).
    static func main() async {
        do {
            var command = try Blackbox.parseAsRoot(nil)
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            fflush(nil)
            Blackbox.exitEscaped(withError: error)
        }
    }
}
