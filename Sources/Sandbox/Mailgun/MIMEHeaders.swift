import Foundation

/// The header section of a MIME message as Mailgun reads it for `messages.mime`:
/// fields in order, unfolded, values as written (encoded words are not decoded).
enum MIMEHeaders {
    static func parse(_ mime: String) -> [(name: String, value: String)] {
        let normalized = mime.replacingOccurrences(of: "\r\n", with: "\n")
        let head = normalized.components(separatedBy: "\n\n").first ?? ""
        var out: [(name: String, value: String)] = []
        for line in head.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.first == " " || line.first == "\t", !out.isEmpty {
                out[out.count - 1].value += String(line)        // unfolding removes only the line break
            } else if let colon = line.firstIndex(of: ":") {
                out.append((name: String(line[..<colon]), value: String(line[line.index(after: colon)...]).trimmingCharacters(in: [" ", "\t"])))
            }
        }
        return out
    }
}
