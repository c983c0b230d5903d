import Foundation

/// One step of a warmup schedule; the last stage has no end (`days == nil`).
public struct WarmupStage: Codable, Sendable, Equatable {
    public var days: Int?
    public var daily: Int
    public init(days: Int?, daily: Int) { self.days = days; self.daily = daily }
}

public enum Warmup {
    /// The stage index on `day` days after the start (0-based), or nil before the start.
    public static func stageIndex(_ stages: [WarmupStage], dayNumber: Int) -> Int? {
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

    /// Whole UTC days between the warmup start and `now`, minus the days it was held back.
    public static func dayNumber(started: String?, shiftDays: Int, now: Double) -> Int? {
        guard let started, let start = UTCDay.parse(started) else { return nil }
        return Int(((now - start) / 86_400).rounded(.down)) - shiftDays
    }

    /// Today's cap: min(stage cap, daily_max); 0 before the warmup starts.
    /// `heldStage` caps the stage while the mailbox is outside the healthy band.
    public static func dailyCap(_ m: SendingMailbox, shiftDays: Int, heldStage: Int?, now: Double) -> (cap: Int, stage: Int?) {
        guard !m.warmup.isEmpty, m.warmupStarted != nil else { return (m.dailyMax, nil) }
        guard let day = dayNumber(started: m.warmupStarted, shiftDays: shiftDays, now: now),
              var stage = stageIndex(m.warmup, dayNumber: day) else { return (0, nil) }
        if let held = heldStage { stage = min(stage, held) }
        return (min(m.warmup[stage].daily, m.dailyMax), stage)
    }
}

/// `YYYY-MM-DD` as UTC midnight in Unix seconds, by civil-date arithmetic
/// (H. Hinnant's days_from_civil), so the scheduler never builds a Calendar per call.
public enum UTCDay {
    public static func parse(_ s: String) -> Double? {
        let parts = s.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        return Double(daysFromCivil(parts[0], parts[1], parts[2])) * 86_400
    }
    public static func format(_ t: Double) -> String {
        let (y, m, d) = civil(Int((t / 86_400).rounded(.down)))
        return String(format: "%04d-%02d-%02d", y, m, d)
    }
    public static func startOfDay(_ t: Double) -> Double { (t / 86_400).rounded(.down) * 86_400 }

    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
