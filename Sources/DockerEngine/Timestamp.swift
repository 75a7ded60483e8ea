import Foundation

/// Conversions between the engine's RFC 3339 timestamps and Unix nanoseconds.
public enum Timestamp {
    /// Now, in Unix nanoseconds (`CLOCK_REALTIME`): the one clock every row, report and filter is measured against.
    public static func nowNanos() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    /// Parses an RFC 3339 timestamp with up to nine fractional digits (`2026-11-29T09:32:44.871923703Z`,
    /// `…+02:00`) into Unix nanoseconds. Returns nil for malformed text and for the engine's zero time
    /// (`0001-01-01T00:00:00Z`), which means "never", and for times Int64 nanoseconds cannot hold (before
    /// 1677-09-21, after 2262-04-11): the arithmetic is checked, never trapping.
    public static func unixNanos(rfc3339 text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
            let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2)
        else { return nil }
        guard year > 1, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var index = 19
        var fraction: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, let digit = digitValue(bytes[index]) {
                if digits < 9 {
                    fraction = fraction * 10 + Int64(digit)
                    digits += 1
                }
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 { fraction *= 10 }
        }
        guard index < bytes.count else { return nil }
        var offsetSeconds: Int64 = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                let offsetHours = number(bytes, index + 1, 2), let offsetMinutes = number(bytes, index + 4, 2)
            else { return nil }
            offsetSeconds = Int64(offsetHours * 3600 + offsetMinutes * 60) * (bytes[index] == UInt8(ascii: "+") ? 1 : -1)
        default:
            return nil
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - offsetSeconds
        // Before 1970 with a fraction, borrow a second so that the earliest representable time does not overflow.
        let borrow: Int64 = seconds < 0 && fraction > 0 ? 1 : 0
        let (whole, overflow) = (seconds + borrow).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        let (nanos, carry) = whole.addingReportingOverflow(fraction - borrow * 1_000_000_000)
        return carry ? nil : nanos
    }

    /// The Unix times, in nanoseconds, the store accepts for a row: after 1970-01-01T00:00:00Z, before
    /// 2100-01-01T00:00:00Z. A time in this range plus or minus any duration blackbox accepts (at most
    /// ``maximumNanos``, 100 years) stays inside Int64, so code past the ingress checks can add and subtract
    /// without overflow. A time at or before 0 is a zero or missing value, not a real event.
    public static let acceptedNanos: ClosedRange<Int64> = 1...4_102_444_799_999_999_999

    /// Why `nanos` is not a time the store accepts (``acceptedNanos``), nil when it is: "ts_ns 0 is not after
    /// 1970-01-01T00:00:00Z (a zero or missing time)", "ts_ns 9223372036854775807 is not before 2100-01-01T00:00:00Z".
    public static func rejection(unixNanos nanos: Int64, field: String = "ts_ns") -> String? {
        if nanos < acceptedNanos.lowerBound { return "\(field) \(nanos) is not after 1970-01-01T00:00:00Z (a zero or missing time)" }
        if nanos > acceptedNanos.upperBound { return "\(field) \(nanos) is not before 2100-01-01T00:00:00Z" }
        return nil
    }

    /// Parses a duration as the docker CLI writes them (`90s`, `10m`, `2h`, `1h30m`, `500ms`; also `1d`) into nanoseconds;
    /// nil for anything else, and for durations of more than 100 years.
    public static func durationNanos(_ text: String) -> Int64? {
        let units: [(String, Double)] = [("ms", 1e6), ("us", 1e3), ("ns", 1), ("d", 86_400e9), ("h", 3_600e9), ("m", 60e9), ("s", 1e9)]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let (unit, scale) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.count)
            total += value * scale
        }
        return total.isFinite && total <= maximumNanos ? Int64(total) : nil
    }

    /// 100 years in nanoseconds: the bound of durations and Unix times blackbox accepts.
    public static let maximumNanos: Double = 100 * 365.25 * 86_400e9

    /// Formats Unix nanoseconds as RFC 3339 UTC with millisecond precision: `2026-11-29T09:32:44.871Z`.
    /// Every Int64 formats (`-9223372036854775808` is `1677-09-21T00:12:43.145Z`), none traps.
    public static func rfc3339(unixNanos: Int64) -> String {
        let seconds = floorDiv(unixNanos, 1_000_000_000)
        let millis = floorMod(unixNanos, 1_000_000_000) / 1_000_000
        let days = floorDiv(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilFromDays(days)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month, day,
            Int(secondOfDay / 3600), Int(secondOfDay % 3600 / 60), Int(secondOfDay % 60), Int(millis))
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<start + count] {
            guard let digit = digitValue(byte) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    /// `a / b` rounded down, for `b` > 0; never overflows (Int64.min included).
    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return a % b < 0 ? quotient - 1 : quotient
    }

    /// `a` modulo `b` in `0..<b`, for `b` > 0.
    private static func floorMod(_ a: Int64, _ b: Int64) -> Int64 {
        let remainder = a % b
        return remainder < 0 ? remainder + b : remainder
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilFromDays(_ days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
