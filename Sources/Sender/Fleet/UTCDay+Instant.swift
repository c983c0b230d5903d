import Foundation

extension UTCDay {
    /// `2026-03-02 09:00 UTC`: what reports and the daemon's lines show (date and zone, never a bare hour).
    public static func formatMinute(_ t: Double) -> String {
        let day = startOfDay(t)
        let minute = Int(((t - day) / 60).rounded(.down))
        return String(format: "%@ %02d:%02d UTC", format(day), minute / 60, minute % 60)
    }

    /// An ISO 8601 instant with its offset (`2026-03-07T12:00:00Z`,
    /// `2026-03-07T12:00Z`, `2026-03-07T13:00+01:00`) or a date alone
    /// (`2026-03-07`, read as 00:00 UTC).
    public static func parseInstant(_ s: String) -> Double? {
        if s.count == 10, let day = parse(s) { return day }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mmXXXXX", "yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX"] {
            f.dateFormat = format
            if let d = f.date(from: s) { return d.timeIntervalSince1970 }
        }
        return nil
    }
}
