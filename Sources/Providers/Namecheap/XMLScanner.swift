import Foundation

/// A non-validating XML 1.0 reader for `XMLTree.parse`, written by hand so the binary need not
/// link FoundationXML (libxml2 and the system ICU, ~1 MiB resident in every process) for the
/// Namecheap answers alone. It reads what a well-formed document may hold and refuses anything
/// else rather than guess: a half-understood answer must not turn into a plan.
///
/// It works on the UTF-8 bytes: every delimiter is ASCII, so once the whole input is known to
/// be valid UTF-8, every slice cut at a delimiter is valid too.
struct XMLScanner {
    struct Malformed: Error {}

    private let b: UnsafeBufferPointer<UInt8>
    private var i = 0

    private struct Open {
        var qualifiedName: Range<Int>
        var attributes: [String: String]
        var children: [XMLTree] = []
        var text: [UInt8] = []
    }

    static func parse(_ data: Data) -> XMLTree? {
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard String(validating: bytes, as: UTF8.self) != nil, !hasForbiddenCharacters(bytes) else { return nil }
            var scanner = XMLScanner(b: bytes)
            return try? scanner.document()
        }
    }

    /// XML 1.0 allows no C0 controls but tab, LF and CR, and neither U+FFFE nor U+FFFF, even
    /// inside comments; checking once here keeps the scanning loops simple.
    private static func hasForbiddenCharacters(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var k = 0
        while k < b.count {
            let c = b[k]
            if c < 0x20, c != 0x09, c != 0x0A, c != 0x0D { return true }
            if c == 0xEF, k + 2 < b.count, b[k + 1] == 0xBF, b[k + 2] >= 0xBE { return true }
            k += 1
        }
        return false
    }

    private init(b: UnsafeBufferPointer<UInt8>) { self.b = b }

    // MARK: Document

    private mutating func document() throws(Malformed) -> XMLTree {
        if at("\u{FEFF}") { i += 3 }
        if at("<?xml"), isSpace(peek(5)) { try declaration() }
        var root: XMLTree?
        while true {
            skipSpace()
            if i == b.count { break }
            if at("<?") {
                try processingInstruction()
            } else if at("<!--") {
                try comment()
            } else if root == nil, peek(0) == ascii("<"), isNameStart(peek(1)) {
                root = try element()
            } else {
                // Text or a second element after the root, CDATA outside it, or a DOCTYPE: we never
                // want a server's DTD to define entities (expansion bombs, external fetches).
                throw Malformed()
            }
        }
        guard let root else { throw Malformed() }
        return root
    }

    /// `<?xml version="1.x" encoding="…" standalone="…"?>`, in this order, the last two optional.
    /// Only UTF-8 (or its ASCII subset) is read: a document declaring another encoding would be
    /// misread, so it is refused.
    private mutating func declaration() throws(Malformed) {
        let order = ["version", "encoding", "standalone"]
        var next = 0
        i += 5
        while true {
            let spaced = skipSpace()
            if at("?>") { i += 2; break }
            guard spaced else { throw Malformed() }
            let key = String(decoding: UnsafeBufferPointer(rebasing: b[try name()]), as: UTF8.self)
            guard let k = order.firstIndex(of: key), k >= next, next > 0 || k == 0 else { throw Malformed() }
            next = k + 1
            skipSpace()
            guard peek(0) == ascii("=") else { throw Malformed() }
            i += 1
            skipSpace()
            let value = try attributeValue()
            let valid = switch key {
            case "version": value.hasPrefix("1.") && value.count > 2 && value.dropFirst(2).allSatisfy { ("0"..."9").contains($0) }
            case "encoding": ["utf-8", "utf8", "us-ascii", "ascii"].contains(value.lowercased())
            default: value == "yes" || value == "no"
            }
            guard valid else { throw Malformed() }
        }
        guard next > 0 else { throw Malformed() }
    }

    // MARK: Elements

    /// Namecheap's answers are five deep. Releasing a tree recurses through `deinit`, so one nested
    /// a hundred thousand deep would overflow the stack (the FoundationXML-based reader crashed on it too).
    static let maxDepth = 256

    private mutating func element() throws(Malformed) -> XMLTree {
        var stack: [Open] = []
        while true {
            // At the `<` of a start tag.
            i += 1
            let qualifiedName = try name()
            var attributes: [String: String] = [:]
            var selfClosing = false
            while true {
                let spaced = skipSpace()
                if peek(0) == ascii(">") { i += 1; break }
                if at("/>") { i += 2; selfClosing = true; break }
                guard spaced else { throw Malformed() }
                let key = String(decoding: UnsafeBufferPointer(rebasing: b[try name()]), as: UTF8.self)
                skipSpace()
                guard peek(0) == ascii("=") else { throw Malformed() }
                i += 1
                skipSpace()
                guard attributes.updateValue(try attributeValue(), forKey: key) == nil else { throw Malformed() }
            }
            if selfClosing {
                let node = Self.tree(b, Open(qualifiedName: qualifiedName, attributes: attributes))
                if stack.isEmpty { return node }
                stack[stack.count - 1].children.append(node)
            } else {
                guard stack.count < Self.maxDepth else { throw Malformed() }
                stack.append(Open(qualifiedName: qualifiedName, attributes: attributes))
            }
            // Content until the next start tag; end tags close elements on the way.
            while !(peek(0) == ascii("<") && isNameStart(peek(1))) {
                guard i < b.count else { throw Malformed() }
                if at("</") {
                    i += 2
                    let closing = try name()
                    skipSpace()
                    guard peek(0) == ascii(">"), let open = stack.popLast(),
                          b[closing].elementsEqual(b[open.qualifiedName]) else { throw Malformed() }
                    i += 1
                    let node = Self.tree(b, open)
                    if stack.isEmpty { return node }
                    stack[stack.count - 1].children.append(node)
                } else if at("<!--") {
                    try comment()
                } else if at("<![CDATA[") {
                    i += 9
                    let end = try find("]]>")
                    appendNormalisingLineEnds(i..<end, to: &stack[stack.count - 1].text)
                    i = end + 3
                } else if at("<?") {
                    try processingInstruction()
                } else if peek(0) == ascii("<") {
                    throw Malformed()
                } else if peek(0) == ascii("&") {
                    try reference(into: &stack[stack.count - 1].text)
                } else {
                    let start = i
                    while i < b.count, b[i] != ascii("<"), b[i] != ascii("&") {
                        if b[i] == ascii(">"), i - start >= 2, b[i - 1] == ascii("]"), b[i - 2] == ascii("]") { throw Malformed() }
                        i += 1
                    }
                    appendNormalisingLineEnds(start..<i, to: &stack[stack.count - 1].text)
                }
            }
        }
    }

    /// Names lose their namespace prefix (`ns:Foo` → `Foo`): Namecheap's default namespace has
    /// moved between http and https (registrars.md B1), and callers look elements up by local name.
    private static func tree(_ b: UnsafeBufferPointer<UInt8>, _ open: Open) -> XMLTree {
        let q = open.qualifiedName
        let local = (b[q].lastIndex(of: ascii(":")).map { $0 + 1 } ?? q.lowerBound)..<q.upperBound
        return XMLTree(name: String(decoding: UnsafeBufferPointer(rebasing: b[local]), as: UTF8.self),
                       attributes: open.attributes, children: open.children, text: trimmed(open.text))
    }

    private static func trimmed(_ text: [UInt8]) -> String {
        var lo = 0, hi = text.count
        while lo < hi, isSpace(text[lo]) { lo += 1 }
        while hi > lo, isSpace(text[hi - 1]) { hi -= 1 }
        let s = String(decoding: text[lo..<hi], as: UTF8.self)
        // Unicode spaces (NBSP, U+3000, ...) count as whitespace too, as Foundation's
        // `.whitespacesAndNewlines` did; they only matter when the ends are not ASCII.
        guard lo < hi, text[lo] >= 0x80 || text[hi - 1] >= 0x80 else { return s }
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }

    // MARK: Attribute values and references

    /// Literal tab, CR and LF become spaces (CR LF one space), as XML's attribute-value
    /// normalisation requires; the same characters written as references stay.
    private mutating func attributeValue() throws(Malformed) -> String {
        let quote = peek(0)
        guard quote == ascii("\"") || quote == ascii("'") else { throw Malformed() }
        i += 1
        let start = i
        while i < b.count, b[i] != quote, b[i] != ascii("&"), b[i] != ascii("<"), b[i] != 0x09, b[i] != 0x0A, b[i] != 0x0D { i += 1 }
        if peek(0) == quote {
            i += 1
            return String(decoding: UnsafeBufferPointer(rebasing: b[start..<i - 1]), as: UTF8.self)
        }
        var value = Array(b[start..<i])
        while true {
            guard i < b.count else { throw Malformed() }
            switch b[i] {
            case quote:
                i += 1
                return String(decoding: value, as: UTF8.self)
            case ascii("<"):
                throw Malformed()
            case ascii("&"):
                try reference(into: &value)
            case 0x0D:
                i += peek(1) == 0x0A ? 2 : 1
                value.append(0x20)
            case 0x09, 0x0A:
                i += 1
                value.append(0x20)
            default:
                value.append(b[i])
                i += 1
            }
        }
    }

    /// Only the five predefined entities and character references exist without a DTD.
    private mutating func reference(into out: inout [UInt8]) throws(Malformed) {
        i += 1
        guard let semicolon = b[i..<min(b.count, i + 40)].firstIndex(of: ascii(";")) else { throw Malformed() }
        let body = b[i..<semicolon]
        i = semicolon + 1
        switch String(decoding: UnsafeBufferPointer(rebasing: body), as: UTF8.self) {
        case "amp": out.append(ascii("&"))
        case "lt": out.append(ascii("<"))
        case "gt": out.append(ascii(">"))
        case "quot": out.append(ascii("\""))
        case "apos": out.append(ascii("'"))
        case let ref where ref.hasPrefix("#"):
            let hex = ref.hasPrefix("#x")
            let digits = ref.dropFirst(hex ? 2 : 1)
            guard !digits.isEmpty, digits.allSatisfy({ hex ? $0.isHexDigit : ("0"..."9").contains($0) }),
                  let v = UInt32(digits, radix: hex ? 16 : 10), Self.isXMLChar(v), let scalar = Unicode.Scalar(v) else {
                throw Malformed()
            }
            UTF8.encode(scalar) { out.append($0) }
        default:
            throw Malformed()
        }
    }

    private static func isXMLChar(_ v: UInt32) -> Bool {
        v == 0x09 || v == 0x0A || v == 0x0D || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || (0x10000...0x10FFFF).contains(v)
    }

    // MARK: Markup that carries nothing

    /// `--` may not appear inside a comment, so the first one must end it.
    private mutating func comment() throws(Malformed) {
        i += 4
        let dashes = try find("--")
        guard dashes + 2 < b.count, b[dashes + 2] == ascii(">") else { throw Malformed() }
        i = dashes + 3
    }

    /// `<?xml` is reserved for the declaration, which may only open the document.
    private mutating func processingInstruction() throws(Malformed) {
        i += 2
        let target = try name()
        let reserved = b[target].count == 3 && String(decoding: UnsafeBufferPointer(rebasing: b[target]), as: UTF8.self).lowercased() == "xml"
        guard !reserved, at("?>") || isSpace(peek(0)) else { throw Malformed() }
        i = try find("?>") + 2
    }

    // MARK: Bytes

    /// Returns the range of a Name. Names are not checked against XML's full Unicode classes:
    /// any non-ASCII byte is taken as a name character.
    private mutating func name() throws(Malformed) -> Range<Int> {
        let start = i
        guard isNameStart(peek(0)) else { throw Malformed() }
        i += 1
        while i < b.count, isNameStart(b[i]) || b[i] == ascii("-") || b[i] == ascii(".") || (ascii("0")...ascii("9")).contains(b[i]) { i += 1 }
        return start..<i
    }

    /// XML turns CR LF and lone CR into LF before anything else reads the text. Leading
    /// whitespace would be trimmed anyway; not keeping it spares indentation an allocation.
    private func appendNormalisingLineEnds(_ r: Range<Int>, to out: inout [UInt8]) {
        var start = r.lowerBound
        if out.isEmpty { while start < r.upperBound, isSpace(b[start]) { start += 1 } }
        while let cr = b[start..<r.upperBound].firstIndex(of: 0x0D) {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<cr]))
            out.append(0x0A)
            start = cr + 1 < r.upperBound && b[cr + 1] == 0x0A ? cr + 2 : cr + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<r.upperBound]))
    }

    private func find(_ s: StaticString) throws(Malformed) -> Int {
        var k = i
        while k + s.utf8CodeUnitCount <= b.count {
            if matches(s, at: k) { return k }
            k += 1
        }
        throw Malformed()
    }

    private func at(_ s: StaticString) -> Bool { matches(s, at: i) }

    private func matches(_ s: StaticString, at k: Int) -> Bool {
        let n = s.utf8CodeUnitCount
        guard k + n <= b.count else { return false }
        return s.withUTF8Buffer { p in
            for j in 0..<n where b[k + j] != p[j] { return false }
            return true
        }
    }

    /// 0 past the end: the input holds no NUL (`hasForbiddenCharacters`), so 0 matches nothing.
    private func peek(_ offset: Int) -> UInt8 { i + offset < b.count ? b[i + offset] : 0 }

    @discardableResult
    private mutating func skipSpace() -> Bool {
        let start = i
        while i < b.count, isSpace(b[i]) { i += 1 }
        return i > start
    }
}

private func ascii(_ c: Unicode.Scalar) -> UInt8 { UInt8(c.value) }

/// The whitespace that separates markup; `trimmed` also drops Unicode spaces from text.
private func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D }

private func isNameStart(_ c: UInt8) -> Bool {
    (ascii("a")...ascii("z")).contains(c | 0x20) || c == ascii("_") || c == ascii(":") || c >= 0x80
}
