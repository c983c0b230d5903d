import Foundation

/// The fixed-format UTC dates of the registrars' domain listings, parsed
/// (and a day printed) without a `DateFormatter`: building an ICU formatter
/// per listed domain was about 15 % of a warm 600-domain plan
/// (scripts/bench-engine).
public enum FixedFormatDate {
    /// `yyyy-MM-dd` of `date` in UTC, as plans, `explain` and `import` print a registration's expiry.
    public static func day(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
    }

    /// Porkbun's `listAll` dates: `yyyy-MM-dd HH:mm:ss`, no zone (registrars.md, domain/listAll).
    static func yearFirst(_ s: String) -> Date? {
        let f = s.split(separator: " ", omittingEmptySubsequences: false)
        guard f.count == 2 else { return nil }
        let day = f[0].split(separator: "-", omittingEmptySubsequences: false)
        let time = f[1].split(separator: ":", omittingEmptySubsequences: false)
        guard day.count == 3, time.count == 3 else { return nil }
        return utc(day[0], day[1], day[2], time[0], time[1], time[2])
    }

    /// Namecheap's `getList` dates: `MM/dd/yyyy` (registrars.md, domains.getList).
    static func monthFirst(_ s: String) -> Date? {
        let f = s.split(separator: "/", omittingEmptySubsequences: false)
        guard f.count == 3 else { return nil }
        return utc(f[2], f[0], f[1], "0", "0", "0")
    }

    private static func utc(_ y: Substring, _ mo: Substring, _ d: Substring, _ h: Substring, _ mi: Substring, _ s: Substring) -> Date? {
        let parts = [y, mo, d, h, mi, s]
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
              let year = Int(y), let month = Int(mo), let day = Int(d), let hour = Int(h), let minute = Int(mi), let second = Int(s),
              (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day) else { return nil }
        // Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
        let yy = month <= 2 ? year - 1 : year
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
