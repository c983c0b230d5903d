import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

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

    /// Parses a document with FoundationXML's XMLParser (libxml2).
    public static func parse(_ data: Data) -> XMLTree? {
        let builder = Builder()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.delegate = builder
        guard parser.parse() else { return nil }
        return builder.root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        struct Open { var name: String; var attributes: [String: String]; var children: [XMLTree] = []; var text = "" }
        var stack: [Open] = []
        var root: XMLTree?

        static func local(_ name: String) -> String {
            if let colon = name.lastIndex(of: ":") { return String(name[name.index(after: colon)...]) }
            return name
        }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            stack.append(Open(name: Self.local(elementName), attributes: attributeDict))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if !stack.isEmpty { stack[stack.count - 1].text += string }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            guard let open = stack.popLast() else { return }
            let node = XMLTree(name: open.name, attributes: open.attributes, children: open.children,
                               text: open.text.trimmingCharacters(in: .whitespacesAndNewlines))
            if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
        }
    }
}
