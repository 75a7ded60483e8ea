import Foundation

/// Human units, one spelling for every interface that shows them (terminal tables, reports, playbook texts, compose
/// findings): sizes as `docker stats` prints them and lengths of time as Go's `time.Duration` rounds them.
public enum Units {
    /// Bytes as `docker stats` prints them: `512B`, `16.5KiB`, `232MiB`, `1.95GiB` (binary units, three significant
    /// digits, whole numbers from 100 up).
    public static func bytes(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var amount = value
        var index = 0
        while abs(amount) >= 1024, index < units.count - 1 {
            amount /= 1024
            index += 1
        }
        return index == 0 ? "\(Int64(clamping: value))B" : String(format: abs(amount) >= 100 ? "%.0f" : "%.3g", amount) + units[index]
    }

    /// Bytes as `docker stats` prints them (see ``bytes(_:)-(Double)``).
    public static func bytes(_ value: Int64) -> String {
        bytes(Double(value))
    }

    /// Whole mebibytes, rounded up: what a limit written in MiB (`232m`, `--memory 232m`) must be to hold `bytes`.
    public static func mebibytesRoundedUp(_ bytes: Int64) -> Int64 {
        bytes / 1_048_576 + (bytes % 1_048_576 > 0 ? 1 : 0)
    }

    /// ``mebibytesRoundedUp(_:)-(Int64)`` of a count of bytes held as a number (a template value); 0 for none or less.
    public static func mebibytesRoundedUp(_ bytes: Double) -> Int64 {
        bytes > 0 ? mebibytesRoundedUp(Int64(min(bytes.rounded(.up), 9.0e18))) : 0
    }

    /// A length of time, `nanos` nanoseconds long: `850ms`, `12.4s`, `3m12s`, `2h05m`, `3d04h`; a negative length
    /// is shown as 0 (`0ms`).
    public static func span(nanos: Int64) -> String {
        let seconds = Double(max(0, nanos)) / 1e9
        let whole = Int64(seconds)
        switch whole {
        case ..<1: return String(format: "%.0fms", seconds * 1000)
        case ..<60: return String(format: "%.1fs", seconds)
        case ..<3600: return String(format: "%lldm%02llds", whole / 60, whole % 60)
        case ..<86_400: return String(format: "%lldh%02lldm", whole / 3600, whole % 3600 / 60)
        default: return String(format: "%lldd%02lldh", whole / 86_400, whole % 86_400 / 3600)
        }
    }

    /// A length of time given as a floating-point number of nanoseconds (a template value), clamped to Int64.
    public static func span(nanos: Double) -> String {
        span(nanos: nanos.isNaN ? 0 : Int64(clamping: nanos))
    }

    /// How long ago `nanos` was at `now` (both Unix nanoseconds), in the largest whole unit: `3 seconds`, `1 minute`,
    /// `2 hours`, `4 days`.
    public static func elapsed(since nanos: Int64, now: Int64) -> String {
        let (difference, overflow) = now.subtractingReportingOverflow(nanos)
        let seconds = overflow ? (now > nanos ? Int64.max / 1_000_000_000 : 0) : max(0, difference / 1_000_000_000)
        let (amount, unit): (Int64, String) =
            switch seconds {
            case ..<60: (seconds, "second")
            case ..<3600: (seconds / 60, "minute")
            case ..<86_400: (seconds / 3600, "hour")
            default: (seconds / 86_400, "day")
            }
        return "\(amount) \(unit)\(amount == 1 ? "" : "s")"
    }

    /// `5 minutes ago` (see ``elapsed(since:now:)``).
    public static func ago(_ nanos: Int64, now: Int64) -> String {
        elapsed(since: nanos, now: now) + " ago"
    }

    /// A percentage with two decimals, `12.34%`, or `-` when unknown.
    public static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.2f%%", $0) } ?? "-"
    }
}

extension Int64 {
    /// `value` rounded toward zero, or the nearest bound when it is outside Int64 (infinity included); 0 for NaN.
    fileprivate init(clamping value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 9.223372036854775807e18 {
            self = .max
        } else if value <= -9.223372036854775808e18 {
            self = .min
        } else {
            self = Int64(value)
        }
    }
}
