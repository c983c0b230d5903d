import Foundation

/// A parsed XML element. Names are kept without namespace prefix and looked up
/// case-insensitively: Namecheap answers with `host` where its docs show `Host`
/// and mixes `True`/`true` (registrars.md B1, B2).
public final class XMLTree: Sendable {
    public let name: String
    public let attributes: [String: String]
    public let children: [XMLTree]
    public let text: String

    init(name: String, attributes: [String: String], children: [XMLTree], text: String) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    public func attribute(_ key: String) -> String? {
        if let v = attributes[key] { return v }
        return attributes.first { $0.key.caseInsensitiveCompare(key) == .orderedSame }?.value
    }

    public func child(_ name: String) -> XMLTree? { children.first { $0.name.caseInsensitiveCompare(name) == .orderedSame } }

    public func all(_ name: String) -> [XMLTree] { children.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame } }

    /// Parses a UTF-8 document with `XMLScanner` (no DTD, no namespaces beyond dropping
    /// prefixes); nil unless it is well-formed. The element's `text` is its own character data
    /// and CDATA, entity-decoded and trimmed.
    public static func parse(_ data: Data) -> XMLTree? { XMLScanner.parse(data) }
}
