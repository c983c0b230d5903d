import Foundation
import Inventory

/// Local hours and weekdays in which a recipient may be mailed, read in the
/// recipient's own IANA time zone through Foundation's Calendar, so DST
/// shifts move the window with the wall clock (unlike Reply.io, sending.md §3.1).
public struct WeeklyWindow: Codable, Sendable, Equatable, Hashable {
    /// Minutes after local midnight; `end` may be 1440.
    public var startMinute: Int
    public var endMinute: Int
    /// Calendar weekdays (1 = Sunday … 7 = Saturday).
    public var weekdays: [Int]

    public init(startMinute: Int, endMinute: Int, weekdays: [Int]) {
        self.startMinute = startMinute; self.endMinute = endMinute; self.weekdays = weekdays.sorted()
    }

    /// The inventory's window (`limits.window`, or a campaign's in the same
    /// spelling). Calendar weekdays count from Sunday = 1; the inventory's ISO ones from Monday = 1.
    public init(_ w: SendingWindow) {
        self.init(startMinute: w.startMinute, endMinute: w.endMinute, weekdays: w.days.map { $0.isoNumber % 7 + 1 })
    }

    public static let always = WeeklyWindow(startMinute: 0, endMinute: 1440, weekdays: [1, 2, 3, 4, 5, 6, 7])
    public var isAlways: Bool { self == .always }
    public var hoursPerDay: Double { Double(endMinute - startMinute) / 60 }

    /// Whether the window is open at `t` in `zone`, and until when that answer holds.
    public func state(at t: Double, in zone: TimeZone) -> (open: Bool, until: Double) {
        if isAlways { return (true, .infinity) }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let now = Date(timeIntervalSince1970: t)
        let today = cal.startOfDay(for: now)
        for k in -1...8 {
            guard let day = cal.date(byAdding: .day, value: k, to: today) else { continue }
            guard weekdays.contains(cal.component(.weekday, from: day)) else { continue }
            let open = at(minute: startMinute, of: day, cal)
            let close = at(minute: endMinute, of: day, cal)
            if t < open { return (false, open) }
            if t < close { return (true, close) }
        }
        return (false, t + 86_400)
    }

    private func at(minute: Int, of day: Date, _ cal: Calendar) -> Double {
        if minute >= 1440 {
            return cal.date(byAdding: .day, value: 1, to: day)!.timeIntervalSince1970
        }
        // In a spring-forward gap Calendar moves to the next valid time (.nextTime).
        let d = cal.date(bySettingHour: minute / 60, minute: minute % 60, second: 0, of: day) ?? day
        return d.timeIntervalSince1970
    }
}

/// Caches window answers per (window, zone) until the next boundary, so the
/// scheduler pays for Calendar arithmetic only when a window opens or closes.
struct WindowBook {
    struct Key: Hashable { var window: WeeklyWindow; var zone: String }
    private var keys: [Key] = []
    private var index: [Key: Int] = [:]
    private var zones: [TimeZone] = []
    private var open: [Bool] = []
    private var until: [Double] = []
    private var from: [Double] = []

    mutating func id(_ window: WeeklyWindow, zone: String) -> Int {
        let k = Key(window: window, zone: zone)
        if let i = index[k] { return i }
        let i = keys.count
        keys.append(k); index[k] = i
        zones.append(TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!)
        open.append(false); until.append(-.infinity); from.append(.infinity)
        return i
    }

    /// (open, until): the state at `t` and when it changes.
    mutating func state(_ id: Int, at t: Double) -> (Bool, Double) {
        if t < until[id] && t >= from[id] { return (open[id], until[id]) }
        let s = keys[id].window.state(at: t, in: zones[id])
        open[id] = s.open; until[id] = s.until; from[id] = t
        return (s.open, s.until)
    }
}
