import BlackboxStore
import DockerEngine
import Recorder
import Testing

/// The error-burst detector decides from log lines alone: error lines (``ErrorLine``'s notion) within a window start
/// one burst, a quiet period ends it, never a row per line. No I/O: lines are built by hand.
@Suite struct ErrorBurstDetectorTests {
    static let t0: Int64 = 1_700_000_000_000_000_000

    static func line(_ seconds: Double, _ text: String) -> LogLine {
        LogLine(stream: .stderr, timeNanos: t0 + Int64(seconds * 1e9), text: text)
    }

    @Test func fiveErrorLinesWithinTenSecondsStartOneBurstAndQuietEndsIt() throws {
        var detector = ErrorBurstDetector(startedNanos: 7)
        let first = (0..<4).map { Self.line(Double($0), "ERROR could not connect to db:5432: connection refused") }
        #expect(detector.observe(first + [Self.line(4.5, "served /health 200")], nowNanos: Self.t0 + 5_000_000_000).isEmpty)
        let fifth = [Self.line(6, "FATAL: could not open file \"/data/app.db\": Permission denied"), Self.line(7, "ERROR retrying")]
        let started = detector.observe(fifth, nowNanos: Self.t0 + 8_000_000_000)
        let start = try #require(started.first)
        #expect(started.count == 1)
        #expect(start.phase == .start)
        #expect(start.errorLines == 6, "the five that started it and the one read with them")
        #expect(start.lines.count == 6)
        #expect(start.lines.allSatisfy { !$0.text.hasPrefix("served") }, "only error lines are kept")
        #expect(start.sinceNanos == Self.t0)
        #expect(start.mostInformative == "FATAL: could not open file \"/data/app.db\": Permission denied", "on a tie the later line")
        #expect(start.startedNanos == 7)
        // The burst goes on: more error lines add to it and start nothing.
        #expect(detector.observe((8..<20).map { Self.line(Double($0), "ERROR retrying") }, nowNanos: Self.t0 + 20_000_000_000).isEmpty)
        #expect(detector.observe([], nowNanos: Self.t0 + 48_000_000_000).isEmpty, "29 s of quiet: still in the burst")
        let ended = try #require(detector.observe([], nowNanos: Self.t0 + 50_000_000_000).first)
        #expect(ended.phase == .end)
        #expect(ended.errorLines == 18)
        #expect(ended.lastNanos == Self.t0 + 19_000_000_000)
        #expect(ended.lines.isEmpty)
    }

    @Test func errorLinesSpreadOutAreNoBurst() {
        var detector = ErrorBurstDetector(startedNanos: 0)
        let lines = (0..<20).map { Self.line(Double($0) * 3, "ERROR slow request") }
        #expect(detector.observe(lines, nowNanos: Self.t0 + 61_000_000_000).isEmpty, "one error line every 3 s: 4 within any 10 s")
    }

    @Test func ordinaryLinesAndStackFramesAreNotErrorLines() {
        var detector = ErrorBurstDetector(startedNanos: 0)
        let lines = (0..<30).map { Self.line(Double($0) / 10, $0 % 2 == 0 ? "GET /index.html 200" : "    at Object.<anonymous> (/app/server.js:12:5)") }
        #expect(detector.observe(lines, nowNanos: Self.t0 + 4_000_000_000).isEmpty)
    }

    @Test func aReadAtTheCapIsCounted() throws {
        var detector = ErrorBurstDetector(startedNanos: 0)
        let lines = (0..<6).map { Self.line(Double($0) / 10, "ERROR queue full") }
        let start = try #require(detector.observe(lines, capped: true, nowNanos: Self.t0 + 1_000_000_000).first)
        #expect(start.cappedReads == 1)
    }
}
