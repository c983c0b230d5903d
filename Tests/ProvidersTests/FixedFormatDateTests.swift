import Foundation
import Testing
@testable import Providers

/// The hand-written listing date parser agrees with a `DateFormatter` of the
/// same pattern, and refuses what is not a date.
@Suite struct FixedFormatDateTests {
    static func formatter(_ pattern: String) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = pattern
        return f
    }

    @Test func agreesWithDateFormatterOnListingDates() {
        let porkbun = Self.formatter("yyyy-MM-dd HH:mm:ss"), namecheap = Self.formatter("MM/dd/yyyy")
        for s in ["2021-09-14 09:40:58", "2027-09-14 09:40:58", "2000-02-29 23:59:59", "1970-01-01 00:00:00", "2100-12-31 12:00:00"] {
            #expect(FixedFormatDate.yearFirst(s) == porkbun.date(from: s), "\(s)")
            #expect(PorkbunWire.parseDate(s) == porkbun.date(from: s), "\(s)")
        }
        for s in ["09/14/2027", "02/29/2024", "01/01/1970", "12/31/2099", "3/1/2027"] {
            #expect(FixedFormatDate.monthFirst(s) == namecheap.date(from: s), "\(s)")
            #expect(NamecheapWire.parseDate(s) == namecheap.date(from: s), "\(s)")
        }
    }

    @Test func printsADayAsDateFormatterDoes() {
        let day = Self.formatter("yyyy-MM-dd")
        for t in [0, 86_399, 86_400, 951_782_400, 1_796_419_460.5, 4_102_444_799, 1_709_164_800] as [Double] {
            let d = Date(timeIntervalSince1970: t)
            #expect(FixedFormatDate.day(d) == day.string(from: d), "\(t)")
        }
    }

    @Test func refusesWhatIsNotADate() {
        for s in ["", "2027-09-14", "2027-13-01 00:00:00", "2023-02-29 00:00:00", "2027-09-14 24:00:00", "2027-09-14T09:40:58", "x027-09-14 09:40:58"] {
            #expect(FixedFormatDate.yearFirst(s) == nil, "\(s)")
        }
        for s in ["14/09/2027", "02/30/2024", "09-14-2027", "09/14", "aa/bb/cccc"] {
            #expect(FixedFormatDate.monthFirst(s) == nil, "\(s)")
        }
        #expect(PorkbunWire.parseDate(nil) == nil && NamecheapWire.parseDate("") == nil)
    }
}
