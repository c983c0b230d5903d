import Foundation

/// `application/x-www-form-urlencoded` with repeated keys kept in order: Mailgun
/// gives meaning to repeated `url`, `action`, `to`, `o:tag` (mail-platforms.md §1.1).
/// The recordings show urlencoded works for every endpoint the client uses.
public enum MailgunForm {
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    public static func encode(_ fields: [(String, String)]) -> Data {
        Data(fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&").utf8)
    }

    public static func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s
    }

    /// A path segment: `@` kept readable, `+` and everything else outside the unreserved set encoded
    /// (`%2B` is the safe choice for `+`, §1.12).
    public static func pathSegment(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: unreserved.union(CharacterSet(charactersIn: "@"))) ?? s
    }
}

/// `multipart/form-data` (RFC 7578), which `messages.mime` requires (mail-platforms.md §1.1).
/// The boundary is random and checked against every part, so no content can end a part early.
public struct MailgunMultipart: Sendable {
    public var parts: [(name: String, filename: String?, data: Data)] = []
    public init() {}

    public mutating func add(_ name: String, _ value: String) { parts.append((name, nil, Data(value.utf8))) }
    public mutating func add(_ name: String, file: String, _ data: Data) { parts.append((name, file, data)) }

    /// The Content-Type header value and the body.
    public func encoded() -> (contentType: String, body: Data) {
        var boundary = "reconcile-" + UUID().uuidString
        while parts.contains(where: { $0.data.range(of: Data(boundary.utf8)) != nil }) { boundary = "reconcile-" + UUID().uuidString }
        var body = Data()
        for p in parts {
            var disposition = "Content-Disposition: form-data; name=\"\(p.name)\""
            if let f = p.filename { disposition += "; filename=\"\(f)\"\r\nContent-Type: message/rfc822" }
            body.append(Data("--\(boundary)\r\n\(disposition)\r\n\r\n".utf8))
            body.append(p.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return ("multipart/form-data; boundary=\(boundary)", body)
    }
}
