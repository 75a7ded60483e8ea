import ArgumentParser
import BlackboxCLI

@main
struct BlackboxMain {
    static func main() async {
        await Blackbox.main(nil)
    }
}
