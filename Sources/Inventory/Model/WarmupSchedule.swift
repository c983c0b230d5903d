/// A named ramp of daily sending caps for new mailboxes: ordered stages of
/// `days` at `daily` messages; the last stage has no end.
public struct WarmupSchedule: Sendable, Hashable, Codable {
    public var name: String
    /// Non-empty; caps never decrease; only the last stage has `days == nil`.
    public var stages: [WarmupStage]
    public var location: SourceLocation

    public init(name: String, stages: [WarmupStage], location: SourceLocation = .builtIn) {
        self.name = name
        self.stages = stages
        self.location = location
    }

    /// Days until the open-ended stage is reached.
    public var rampDays: Int { stages.reduce(0) { $0 + ($1.days ?? 0) } }

    /// The stage in force on day `day` (0 = the start date), nil before the start.
    public func stageIndex(onDay day: Int) -> Int? {
        guard day >= 0, !stages.isEmpty else { return nil }
        var end = 0
        for (i, s) in stages.enumerated() {
            guard let d = s.days else { return i }
            end += d
            if day < end { return i }
        }
        return stages.count - 1
    }

    /// The daily cap on day `day` (0 = the start date); 0 before the start.
    public func dailyCap(onDay day: Int) -> Int {
        stageIndex(onDay: day).map { stages[$0].daily } ?? 0
    }

    /// The stage in force on `date` for a ramp that started on `started`.
    public func stage(at date: CalendarDate, started: CalendarDate) -> WarmupStage? {
        stageIndex(onDay: date.days(since: started)).map { stages[$0] }
    }

    public func dailyCap(on date: CalendarDate, started: CalendarDate) -> Int {
        dailyCap(onDay: date.days(since: started))
    }
}

public struct WarmupStage: Sendable, Hashable, Codable {
    /// Length in days; nil for the open-ended last stage.
    public var days: Int?
    public var daily: Int
    public var location: SourceLocation

    public init(days: Int?, daily: Int, location: SourceLocation = .builtIn) {
        self.days = days
        self.daily = daily
        self.location = location
    }
}

/// A domain's warmup: which schedule, from which day.
public struct DomainWarmup: Sendable, Hashable, Codable {
    public var schedule: String
    public var started: CalendarDate
    public var location: SourceLocation

    public init(schedule: String, started: CalendarDate, location: SourceLocation = .builtIn) {
        self.schedule = schedule
        self.started = started
        self.location = location
    }
}
