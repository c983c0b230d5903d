/// `tag=value; tag=value` lists as DKIM (RFC 6376 3.2) and DMARC use them:
/// names are case-insensitive here (lower-cased), values trimmed, a trailing
/// `;` allowed, a tag twice is an error.
struct TagList {
    struct Tag: Hashable {
        var name: String
        var value: String
    }

    static func parse(_ text: String, duplicate: DNSProblem.Code, syntax: DNSProblem.Code, what: String) throws(DNSProblem) -> [Tag] {
        var tags: [Tag] = []
        var seen = Set<String>()
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        for (i, raw) in parts.enumerated() {
            let part = raw.trimmingWhitespace()
            if part.isEmpty {
                if i == parts.count - 1 { continue }
                throw .error(syntax, "empty tag in the \(what) record (';;')")
            }
            guard let eq = part.firstIndex(of: "=") else {
                throw .error(syntax, "'\(part)' in the \(what) record is not tag=value")
            }
            let name = part[..<eq].trimmingWhitespace().lowercased()
            guard let f = name.first, f.isASCII, f.isLetter,
                  name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw .error(syntax, "'\(part)' in the \(what) record has no valid tag name")
            }
            guard seen.insert(name).inserted else { throw .error(duplicate, "tag '\(name)=' appears twice in the \(what) record") }
            tags.append(Tag(name: name, value: String(part[part.index(after: eq)...]).trimmingWhitespace()))
        }
        return tags
    }
}
