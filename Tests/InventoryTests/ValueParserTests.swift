import Testing
import Inventory

@Suite struct ValueParserTests {
    @Test(arguments: [("30s", 30), ("10m", 600), ("1h", 3600), ("2d", 172_800), ("0s", 0), (" 5m ", 300)])
    func durations(_ text: String, _ seconds: Int) throws {
        #expect(try TimeSpan.parse(text).get() == TimeSpan(seconds: seconds))
    }

    @Test(arguments: ["", "30", "s", "1.5m", "-5s", "10 m", "10ms", "1w", "9999999999s"])
    func badDurations(_ text: String) {
        #expect(throws: ValueParseError.self) { try TimeSpan.parse(text).get() }
    }

    @Test func durationDescriptionUsesLargestExactUnit() {
        #expect([TimeSpan.seconds(90), .seconds(600), .hours(2), .days(1), .seconds(0)].map(\.description) == ["90s", "10m", "2h", "1d", "0s"])
    }

    @Test func ranges() throws {
        #expect(try TimeSpanRange.parse("30s-60s").get() == TimeSpanRange(min: .seconds(30), max: .seconds(60)))
        #expect(try TimeSpanRange.parse("45s").get() == TimeSpanRange(min: .seconds(45), max: .seconds(45)))
        #expect(try TimeSpanRange.parse("1m-90s").get().description == "1m-90s")
        #expect(throws: ValueParseError("empty range '2m-30s': minimum 2m is greater than maximum 30s")) { try TimeSpanRange.parse("2m-30s").get() }
        #expect(throws: ValueParseError.self) { try TimeSpanRange.parse("30s-").get() }
        #expect(throws: ValueParseError.self) { try TimeSpanRange.parse("1s-2s-3s").get() }
    }

    @Test func percentages() throws {
        #expect(try Percentage.parse("10%").get().fraction == 0.1)
        #expect(try Percentage.parse("0.3%").get() == Percentage(percent: 0.3))
        #expect(try Percentage.parse("100%").get().description == "100%")
        for bad in ["10", "%", "-1%", "101%", "ten%", "1e2%"] {
            #expect(throws: ValueParseError.self) { try Percentage.parse(bad).get() }
        }
    }

    @Test func dates() throws {
        let d = try CalendarDate.parse("2024-02-29").get()
        #expect(d.description == "2024-02-29")
        #expect(d.adding(days: 1).description == "2024-03-01")
        #expect(CalendarDate(dayNumber: 0).description == "1970-01-01")
        #expect(try CalendarDate.parse("2026-11-30").get().dayNumber == 20_787)
        #expect(CalendarDate(year: 2026, month: 11, day: 30)!.days(since: CalendarDate(year: 2026, month: 1, day: 1)!) == 333)
        for bad in ["2023-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026/01/01", "yesterday"] {
            #expect(throws: ValueParseError.self) { try CalendarDate.parse(bad).get() }
        }
    }

    @Test func dayNumberRoundTripsOverFourCenturies() {
        var day = CalendarDate(year: 1900, month: 1, day: 1)!
        let start = day.dayNumber
        for n in stride(from: start, to: start + 146_097, by: 1) {
            let d = CalendarDate(dayNumber: n)
            #expect(d.dayNumber == n)
            if n > start { #expect(d > day) }
            day = d
        }
        #expect(day.description == "2299-12-31")
    }

    @Test func secretReferences() {
        #expect(SecretRef.parse("env:PORKBUN_API_KEY")?.name == "PORKBUN_API_KEY")
        #expect(SecretRef.parse("env:_x1")?.name == "_x1")
        for bad in ["PORKBUN_API_KEY", "env:", "env:1A", "env:A-B", "file:/etc/x", "env:A B"] {
            #expect(SecretRef.parse(bad) == nil)
        }
        let ref = SecretRef(env: "TOKEN")
        #expect(ref.resolve(in: ["TOKEN": "s3cr3t"]) == "s3cr3t")
        #expect(ref.resolve(in: ["TOKEN": ""]) == nil)
        #expect(ref.description == "env:TOKEN")
    }

    @Test func warmupStages() {
        let s = WarmupSchedule(name: "standard", stages: [
            WarmupStage(days: 7, daily: 10), WarmupStage(days: 7, daily: 25), WarmupStage(days: nil, daily: 150),
        ])
        #expect(s.rampDays == 14)
        #expect([-1, 0, 6, 7, 13, 14, 1000].map { s.dailyCap(onDay: $0) } == [0, 10, 10, 25, 25, 150, 150])
        let start = CalendarDate(year: 2026, month: 11, day: 1)!
        #expect(s.stage(at: CalendarDate(year: 2026, month: 11, day: 8)!, started: start)?.daily == 25)
        #expect(s.stage(at: CalendarDate(year: 2026, month: 10, day: 31)!, started: start) == nil)
    }

    @Test func sendingWindowHours() throws {
        let (a, b) = try SendingWindow.parseHours("09:00-17:30").get()
        #expect(a == 540 && b == 1050)
        let (c, d) = try SendingWindow.parseHours("0:00-24:00").get()
        #expect(c == 0 && d == 1440)
        for bad in ["17:00-09:00", "9-17", "09:60-10:00", "09:00", "25:00-26:00"] {
            #expect(throws: ValueParseError.self) { try SendingWindow.parseHours(bad).get() }
        }
        let w = SendingWindow(startMinute: 540, endMinute: 1020, timeZone: "UTC")
        #expect(w.contains(weekday: .mon, minuteOfDay: 540))
        #expect(!w.contains(weekday: .mon, minuteOfDay: 1020))
        #expect(!w.contains(weekday: .sat, minuteOfDay: 600))
    }
}
