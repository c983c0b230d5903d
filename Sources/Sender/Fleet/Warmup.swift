import Foundation
import Inventory

public enum Warmup {
    /// One step of a warmup schedule; the last stage has no end (`days == nil`).
    /// Nested so it never collides with the inventory's `WarmupStage` (the YAML shape).
    public struct Stage: Codable, Sendable, Equatable {
        public var days: Int?
        public var daily: Int
        public init(days: Int?, daily: Int) { self.days = days; self.daily = daily }
    }

    /// The stage index on `day` days after the start (0-based), or nil before the start.
    public static func stageIndex(_ stages: [Warmup.Stage], dayNumber: Int) -> Int? {
        guard dayNumber >= 0 else { return nil }
        guard !stages.isEmpty else { return nil }
        var remaining = dayNumber
        for (i, s) in stages.enumerated() {
            guard let d = s.days else { return i }
            if remaining < d { return i }
            remaining -= d
        }
        return stages.count - 1
    }

    /// Whole UTC days of warmup on `now`, minus the days it was held back;
    /// nil before `started`. The clock follows the mailbox's real history, not
    /// only the calendar: it starts on the later of `started` and the UTC day
    /// of the mailbox's first send, and a mailbox that has never sent
    /// (`firstSent` nil) is on day 0 — a spare promoted months after its
    /// `started` date begins at the first stage, never at the last.
    public static func dayNumber(started: String?, firstSent: Double?, shiftDays: Int, now: Double) -> Int? {
        guard let started, let start = UTCDay.parse(started) else { return nil }
        guard now >= start else { return nil }
        let clock = max(start, UTCDay.startOfDay(firstSent ?? now))
        return max(0, Int(((now - clock) / 86_400).rounded(.down)) - shiftDays)
    }

    /// Today's cap: min(stage cap, daily_max); 0 before the warmup starts.
    /// `firstSent`: the mailbox's first send (`SendingStore.firstSends`), nil if it never sent.
    /// `heldStage` caps the stage while the mailbox is outside the healthy band.
    public static func dailyCap(_ m: SendingMailbox, shiftDays: Int, heldStage: Int?, firstSent: Double?, now: Double) -> (cap: Int, stage: Int?) {
        guard !m.warmup.isEmpty, m.warmupStarted != nil else { return (m.dailyMax, nil) }
        guard let day = dayNumber(started: m.warmupStarted, firstSent: firstSent, shiftDays: shiftDays, now: now),
              var stage = stageIndex(m.warmup, dayNumber: day) else { return (0, nil) }
        if let held = heldStage { stage = min(stage, held) }
        return (min(m.warmup[stage].daily, m.dailyMax), stage)
    }
}

/// `YYYY-MM-DD` as UTC midnight in Unix seconds. The civil-date arithmetic is
/// `Inventory.CalendarDate`'s, so the scheduler never builds a Calendar per call.
public enum UTCDay {
    public static func parse(_ s: String) -> Double? {
        let parts = s.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let date = CalendarDate(year: parts[0], month: parts[1], day: parts[2]) else { return nil }
        return Double(date.dayNumber) * 86_400
    }
    public static func format(_ t: Double) -> String {
        let date = CalendarDate(dayNumber: Int((t / 86_400).rounded(.down)))
        return String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
    }
    public static func startOfDay(_ t: Double) -> Double { (t / 86_400).rounded(.down) * 86_400 }
}
