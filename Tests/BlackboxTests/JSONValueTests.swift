import BlackboxCore
import Foundation
import Testing

/// `JSONValue` keeps whole numbers exactly (Unix nanoseconds exceed a Double's 53 bits) and compares numbers by value.
@Suite struct JSONValueTests {
    @Test func aNanosecondTimestampSurvivesParsingAndEncoding() throws {
        let text = #"{"exit":137,"ratio":0.5,"time_ns":1796248656199333641}"#
        let value = try #require(JSONValue.parse(text))
        #expect(value[path: "time_ns"] == .integer(1_796_248_656_199_333_641))
        #expect(value[path: "time_ns"]?.stringValue == "1796248656199333641")
        #expect(value.description == text, "encoded back to the same text (keys sorted)")
        #expect(value[path: "ratio"] == .number(0.5))
    }

    @Test func numbersCompareAndHashByValueWhicheverCaseHoldsThem() {
        #expect(JSONValue.integer(137) == .number(137))
        #expect(JSONValue.number(137) == .integer(137))
        #expect(JSONValue.integer(137) != .number(137.5))
        #expect(JSONValue.integer(1) != .bool(true))
        #expect(Set([JSONValue.integer(3), .number(3)]).count == 1)
        #expect(JSONValue.integer(0).isTruthy == false)
        #expect(JSONValue.integer(-2).numberValue == -2)
    }
}
