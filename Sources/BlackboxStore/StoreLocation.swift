/// Where the store file lives: `--db PATH`, then `BLACKBOX_DB`, then
/// `$XDG_STATE_HOME/blackbox/blackbox.sqlite`, then `~/.local/state/blackbox/blackbox.sqlite`.
public enum StoreLocation {
    public static func resolve(flag: String?, environment: [String: String]) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let path = environment["BLACKBOX_DB"], !path.isEmpty { return path }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return "\(state)/blackbox/blackbox.sqlite" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/root"
        return "\(home)/.local/state/blackbox/blackbox.sqlite"
    }
}
