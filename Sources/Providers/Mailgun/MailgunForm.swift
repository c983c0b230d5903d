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
