import Foundation

/// Form bodies as Mailgun sends them to us (Routes `forward()` POSTs) and as
/// clients send them to Mailgun (the emulator): urlencoded or
/// multipart/form-data, repeated keys kept in order. Binary parts
/// (attachments) are read as lossy UTF-8; nothing here needs their bytes.
public enum MailgunFormDecoding {
    /// Pairs of the body, by its content type; JSON and unknown types give none.
    public static func pairs(body: Data, contentType: String) -> [(String, String)] {
        let type = contentType.lowercased()
        if type.hasPrefix("multipart/form-data"), let b = boundary(of: contentType) { return multipart(body, boundary: b) }
        if body.isEmpty || type.contains("json") { return [] }
        return urlencoded(String(decoding: body, as: UTF8.self))
    }

    public static func urlencoded(_ s: String) -> [(String, String)] {
        s.split(separator: "&", omittingEmptySubsequences: true).map { part in
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func dec(_ x: Substring) -> String {
                String(x).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(x)
            }
            return (dec(kv[0]), kv.count > 1 ? dec(kv[1]) : "")
        }
    }

    public static func boundary(of contentType: String) -> String? {
        for piece in contentType.split(separator: ";") {
            let t = piece.trimmingCharacters(in: .whitespaces)
            if t.lowercased().hasPrefix("boundary=") {
                return String(t.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    public static func multipart(_ data: Data, boundary: String) -> [(String, String)] {
        let text = String(decoding: data, as: UTF8.self)
        var out: [(String, String)] = []
        for part in text.components(separatedBy: "--\(boundary)") {
            guard let split = part.range(of: "\r\n\r\n") else { continue }
            let head = part[part.startIndex..<split.lowerBound]
            var value = String(part[split.upperBound...])
            // "\r\n" is one Character in Swift: trim it on the UTF-8 view.
            if value.utf8.count >= 2, value.utf8.suffix(2).elementsEqual("\r\n".utf8) {
                value = String(decoding: value.utf8.dropLast(2), as: UTF8.self)
            }
            guard let nameRange = head.range(of: "name=\"") else { continue }
            let rest = head[nameRange.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { continue }
            out.append((String(rest[rest.startIndex..<end]), value))
        }
        return out
    }
}
