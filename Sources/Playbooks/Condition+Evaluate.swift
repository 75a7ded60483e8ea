import BlackboxCore
import BlackboxStore
import Foundation

extension Condition {
    /// Whether `value` (nil when absent) satisfies the condition. Numbers compare numerically,
    /// so `137` matches the engine's `"137"`.
    public func holds(for value: JSONValue?) -> Bool {
        switch self {
        case .equals(let expected): return value.map { Self.looselyEqual($0, expected) } ?? false
        case .notEquals(let expected): return !(value.map { Self.looselyEqual($0, expected) } ?? false)
        case .oneOf(let options): return options.contains { Condition.equals($0).holds(for: value) }
        case .matches(let pattern):
            guard let value else { return false }
            let texts: [String] = if case .array(let items) = value { items.map(\.description) } else { [value.description] }
            return texts.contains { $0.range(of: pattern, options: .regularExpression) != nil }
        case .greaterOrEqual(let bound): return value?.numberValue.map { $0 >= bound } ?? false
        case .greater(let bound): return value?.numberValue.map { $0 > bound } ?? false
        case .lessOrEqual(let bound): return value?.numberValue.map { $0 <= bound } ?? false
        case .less(let bound): return value?.numberValue.map { $0 < bound } ?? false
        case .exists(let expected):
            let present = value.map { $0 != .null && $0 != .string("") } ?? false
            return present == expected
        case .all(let conditions): return conditions.allSatisfy { $0.holds(for: value) }
        }
    }

    static func looselyEqual(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if lhs == rhs { return true }
        if case .bool(let left) = lhs, case .bool(let right) = rhs { return left == right }
        if let left = lhs.numberValue, let right = rhs.numberValue, !(isBool(lhs) != isBool(rhs)) { return left == right }
        return lhs.stringValue != nil && lhs.stringValue == rhs.stringValue
    }

    private static func isBool(_ value: JSONValue) -> Bool {
        if case .bool = value { return true }
        return false
    }
}

extension EventPattern {
    /// Whether an engine event matches every field of the pattern.
    func matches(_ event: EventRecord) -> Bool {
        guard event.kind == .engine else { return false }
        if let type, event.type != type { return false }
        if let action {
            let actual = event.action ?? ""
            guard actual == action || actual.hasPrefix(action + ":") else { return false }
        }
        if let exitCode, !exitCode.holds(for: event.exitCode.map { .number(Double($0)) }) { return false }
        if let signal {
            let number = event.signal.flatMap(Signal.number).map { JSONValue.number(Double($0)) }
            guard signal.holds(for: number) || signal.holds(for: event.signal.map(JSONValue.string)) || Self.signalNameMatches(signal, number) else {
                return false
            }
        }
        return true
    }

    /// `signal: SIGTERM` in a playbook matches the engine's `"15"`.
    private static func signalNameMatches(_ condition: Condition, _ number: JSONValue?) -> Bool {
        guard case .equals(.string(let name)) = condition, let expected = Signal.number(name) else { return false }
        return number == .number(Double(expected))
    }
}
