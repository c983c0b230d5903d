import Foundation

extension WeeklyWindow {
    /// Seconds of `[from, to)` during which the window is open in `zone`
    /// (walks the window's own boundaries, so DST and weekdays count as the scheduler sees them).
    public func openSeconds(from: Double, to: Double, in zone: TimeZone) -> Double {
        if isAlways { return max(0, to - from) }
        var t = from, total = 0.0
        while t < to {
            let s = state(at: t, in: zone)
            let next = min(s.until, to)
            if s.open { total += next - t }
            guard next > t else { break }
            t = next
        }
        return total
    }
}

extension SendingGroup {
    /// The group's sending window (`limits.window`), always open when the inventory names none.
    public var effectiveWindow: WeeklyWindow { window ?? .always }
    /// The zone of that window (UTC when none is named).
    public var effectiveWindowZone: String { windowTimeZone ?? "UTC" }

    /// Hours of `[start, start + hours)` inside the group's window.
    public func openHours(start: Double, hours: Double) -> Double {
        effectiveWindow.openSeconds(from: start, to: start + hours * 3600,
                                    in: TimeZone(identifier: effectiveWindowZone) ?? TimeZone(identifier: "UTC")!) / 3600
    }
}

extension WeeklyWindow {
    /// `09:00–17:00 Mon–Fri`, or the days listed when they are not a run.
    public var summary: String {
        func hm(_ m: Int) -> String { String(format: "%02d:%02d", m / 60, m % 60) }
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        // Monday-first order, so Mon–Fri reads as one run.
        let order = weekdays.map { ($0 + 5) % 7 }.sorted()
        let isRun = !order.isEmpty && order.last! - order.first! == order.count - 1
        let days = order.count == 7 ? "every day"
            : isRun && order.count > 2 ? "\(names[(order.first! + 1) % 7])–\(names[(order.last! + 1) % 7])"
            : order.map { names[($0 + 1) % 7] }.joined(separator: ",")
        return "\(hm(startMinute))–\(hm(endMinute)) \(days)"
    }
}
