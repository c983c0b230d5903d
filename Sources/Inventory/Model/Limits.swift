/// Every sending limit of the fleet. Groups override parts of it
/// (`LimitOverrides`); `Inventory.effectiveLimits(for:)` merges them.
public struct Limits: Sendable, Hashable, Codable {
    public var mailbox: MailboxLimits
    public var group: GroupLimits
    /// nil: send at any hour.
    public var window: SendingWindow?
    public var health: HealthThresholds
    public var location: SourceLocation

    public init(mailbox: MailboxLimits = MailboxLimits(), group: GroupLimits = GroupLimits(),
                window: SendingWindow? = nil, health: HealthThresholds = HealthThresholds(),
                location: SourceLocation = .builtIn) {
        self.mailbox = mailbox
        self.group = group
        self.window = window
        self.health = health
        self.location = location
    }
}

public struct MailboxLimits: Sendable, Hashable, Codable {
    /// Cap per mailbox and calendar day once warm (warmup caps apply below it).
    public var dailyMax: Int
    /// Gap between two sends of the same mailbox, jittered inside the range.
    public var interval: TimeSpanRange

    public init(dailyMax: Int = 150, interval: TimeSpanRange = TimeSpanRange(min: .seconds(30), max: .seconds(60))) {
        self.dailyMax = dailyMax
        self.interval = interval
    }
}

public struct GroupLimits: Sendable, Hashable, Codable {
    /// Cap per group and rolling hour.
    public var hourly: Int
    /// Gap between two sends of the same group, jittered inside the range.
    public var pause: TimeSpanRange

    public init(hourly: Int = 300, pause: TimeSpanRange = TimeSpanRange(min: .seconds(30), max: .seconds(45))) {
        self.hourly = hourly
        self.pause = pause
    }
}

/// Health gates: a mailbox is disabled (and alerted) when it breaches one.
public struct HealthThresholds: Sendable, Hashable, Codable {
    /// Bounce rate at which a mailbox is disabled…
    public var disableBounceRate: Percentage
    /// …once it has at least this many sends in the window.
    public var bounceMinimumSample: Int
    /// Complaint rate at which a mailbox is disabled (same minimum sample).
    public var complaintRate: Percentage

    public init(disableBounceRate: Percentage = Percentage(percent: 10), bounceMinimumSample: Int = 20,
                complaintRate: Percentage = Percentage(percent: 0.3)) {
        self.disableBounceRate = disableBounceRate
        self.bounceMinimumSample = bounceMinimumSample
        self.complaintRate = complaintRate
    }
}

/// The hours in which mail may go out.
public struct SendingWindow: Sendable, Hashable, Codable {
    /// Minutes after midnight, start inclusive, end exclusive; start < end.
    public var startMinute: Int
    public var endMinute: Int
    public var days: [Weekday]
    /// IANA zone (`Europe/Berlin`): the window's zone when fixed, and the
    /// fallback for recipients whose zone is unknown when recipient-local.
    public var timeZone: String
    /// Evaluate the hours in each recipient's own zone.
    public var recipientLocal: Bool
    public var location: SourceLocation

    public init(startMinute: Int, endMinute: Int, days: [Weekday] = Weekday.workdays, timeZone: String,
                recipientLocal: Bool = false, location: SourceLocation = .builtIn) {
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.days = days
        self.timeZone = timeZone
        self.recipientLocal = recipientLocal
        self.location = location
    }

    /// `09:00-17:00`
    public var hoursDescription: String {
        func hm(_ m: Int) -> String { let h = m / 60, mm = m % 60; return (h < 10 ? "0" : "") + "\(h):" + (mm < 10 ? "0" : "") + "\(mm)" }
        return "\(hm(startMinute))-\(hm(endMinute))"
    }

    /// True when local wall time (`weekday`, `minuteOfDay`) lies in the window.
    public func contains(weekday: Weekday, minuteOfDay: Int) -> Bool {
        days.contains(weekday) && minuteOfDay >= startMinute && minuteOfDay < endMinute
    }

    /// Parses `HH:MM-HH:MM` (`09:00-17:00`; `24:00` allowed as an end).
    public static func parseHours(_ text: String) -> Result<(Int, Int), ValueParseError> {
        let bad = ValueParseError("'\(text)' is not an hour range: write HH:MM-HH:MM, e.g. 09:00-17:00")
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return .failure(bad) }
        func minute(_ s: Substring) -> Int? {
            let hm = s.split(separator: ":", omittingEmptySubsequences: false)
            guard hm.count == 2, hm[0].count >= 1, hm[0].count <= 2, hm[1].count == 2,
                  let h = Int(hm[0]), let m = Int(hm[1]), h >= 0, m >= 0, m < 60, h * 60 + m <= 1440 else { return nil }
            return h * 60 + m
        }
        guard let a = minute(parts[0]), let b = minute(parts[1]) else { return .failure(bad) }
        guard a < b else {
            return .failure(ValueParseError("empty hour range '\(text)': the start must be before the end (windows cannot cross midnight)"))
        }
        return .success((a, b))
    }
}

public enum Weekday: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case mon, tue, wed, thu, fri, sat, sun

    public static let workdays: [Weekday] = [.mon, .tue, .wed, .thu, .fri]

    /// ISO 8601 number, Monday = 1.
    public var isoNumber: Int { Weekday.allCases.firstIndex(of: self)! + 1 }

    public static func < (a: Weekday, b: Weekday) -> Bool { a.isoNumber < b.isoNumber }
}

/// A group's partial override of the fleet limits; nil fields inherit.
public struct LimitOverrides: Sendable, Hashable, Codable {
    public var dailyMax: Int?
    public var interval: TimeSpanRange?
    public var hourly: Int?
    public var pause: TimeSpanRange?
    public var window: SendingWindow?
    public var location: SourceLocation

    public init(dailyMax: Int? = nil, interval: TimeSpanRange? = nil, hourly: Int? = nil, pause: TimeSpanRange? = nil,
                window: SendingWindow? = nil, location: SourceLocation = .builtIn) {
        self.dailyMax = dailyMax
        self.interval = interval
        self.hourly = hourly
        self.pause = pause
        self.window = window
        self.location = location
    }

    /// `self ∘ base`: every field set here replaces the base's.
    public func applied(to base: Limits) -> Limits {
        var l = base
        if let v = dailyMax { l.mailbox.dailyMax = v }
        if let v = interval { l.mailbox.interval = v }
        if let v = hourly { l.group.hourly = v }
        if let v = pause { l.group.pause = v }
        if let v = window { l.window = v }
        return l
    }
}
