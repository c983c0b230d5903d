import Foundation
import Inventory

/// Fixed formats of a message: the RFC 5322 date and the quoted-printable body.
/// Header values are written by `HeaderWriter`.
enum HeaderEncoding {
    /// RFC 5322 date-time in UTC, e.g. `Sun, 29 Nov 2026 07:21:14 +0000`.
    static func date(_ t: Double) -> String {
        let secs = Int(t.rounded(.down))
        let day = Int((Double(secs) / 86_400).rounded(.down))
        let civil = CalendarDate(dayNumber: day)
        let (y, m, d) = (civil.year, civil.month, civil.day)
        let rest = secs - day * 86_400
        let names = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]          // 1970-01-01 was a Thursday
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let wd = names[((day % 7) + 7) % 7]
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(wd), \(two(d)) \(months[m - 1]) \(y) \(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60)) +0000"
    }

    /// Quoted-printable body (RFC 2045 §6.7) with CRLF line ends and soft breaks under 76 columns.
    static func quotedPrintable(_ s: String) -> String {
        var out: [String] = []
        let lines = s.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines {
            var encoded = ""
            var col = 0
            let bytes = Array(line.utf8)
            for (i, b) in bytes.enumerated() {
                var piece: String
                let isLast = i == bytes.count - 1
                if (b >= 33 && b <= 126 && b != 61) || ((b == 32 || b == 9) && !isLast) {
                    piece = String(UnicodeScalar(b))
                } else {
                    piece = String(format: "=%02X", b)
                }
                // A line starting with "." stays unambiguous for SMTP even without dot-stuffing.
                if col == 0 && b == 46 { piece = "=2E" }
                if col + piece.count > 75 {
                    encoded += "=\r\n"; col = 0
                    if b == 46 { piece = "=2E" }
                }
                encoded += piece; col += piece.count
            }
            out.append(encoded)
        }
        return out.joined(separator: "\r\n")
    }
}
