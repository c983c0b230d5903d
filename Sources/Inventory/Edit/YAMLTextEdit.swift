/// Minimal textual edits of one YAML file at the positions `YAMLReader`
/// records, so that everything not edited — comments, alignment, quoting,
/// key order — stays byte for byte. Re-emitting the file from the parsed
/// tree would lose all of that.
struct YAMLTextEdit {
    /// The file's lines, each with its own line ending ("\n", "\r\n" or none at EOF).
    private(set) var lines: [String]

    struct Refusal: Error { var line: Int; var column: Int; var message: String }

    init(_ text: String) {
        var out: [String] = []
        var current = ""
        for ch in text {
            current.append(ch)
            if ch == "\n" || ch == "\r\n" { out.append(current); current = "" }
        }
        if !current.isEmpty || out.isEmpty { out.append(current) }
        lines = out
    }

    var text: String { lines.joined() }

    /// Replaces the scalar `node` (a plain or simply quoted one-line scalar)
    /// by `value`, keeping its quoting; a comment after it keeps its column
    /// when the padding before it allows.
    mutating func replaceScalar(_ node: YAMLNode, with value: String) throws(Refusal) {
        let (li, start, token) = try locate(node)
        var scalars = Array(lines[li].unicodeScalars)
        let quote = token.first == "\"" || token.first == "'" ? String(token.first!) : ""
        let replacement = Array((quote + value + quote).unicodeScalars)
        let end = start + token.count
        // Keep a trailing comment's column: take from / give to the spaces before it.
        var spaces = 0
        while end + spaces < scalars.count, scalars[end + spaces] == " " { spaces += 1 }
        let delta = replacement.count - token.count
        var padding = spaces
        if end + spaces < scalars.count, scalars[end + spaces] == "#", spaces - delta >= 1 { padding = spaces - delta }
        scalars.replaceSubrange(start..<(end + spaces), with: replacement + Array(repeating: " ", count: padding))
        lines[li] = String(String.UnicodeScalarView(scalars))
    }

    /// Inserts `key: value` into the mapping that holds `after` (a key node
    /// whose scalar value `afterValue` is on the same line): in a block
    /// mapping as a new line below it at the same indentation, in a flow
    /// mapping (`{ … }`) right after its value.
    mutating func insertPair(_ key: String, _ value: String, after keyNode: YAMLNode, afterValue: YAMLNode, flow: Bool) throws(Refusal) {
        guard afterValue.line == keyNode.line else {
            throw Refusal(line: keyNode.line, column: keyNode.column, message: "its value is not on the key's line: edit it by hand")
        }
        if flow {
            let (li, start, token) = try locate(afterValue)
            var scalars = Array(lines[li].unicodeScalars)
            scalars.insert(contentsOf: ", \(key): \(value)".unicodeScalars, at: start + token.count)
            lines[li] = String(String.UnicodeScalarView(scalars))
            return
        }
        let li = keyNode.line - 1
        let ending = lines[li].hasSuffix("\r\n") ? "\r\n" : "\n"
        if !lines[li].hasSuffix("\n") { lines[li] += ending }
        lines.insert(String(repeating: " ", count: keyNode.column - 1) + "\(key): \(value)" + ending, at: li + 1)
    }

    /// True when the collection `node` starts with `{` or `[` (flow style).
    func isFlow(_ node: YAMLNode) -> Bool {
        guard node.line >= 1, node.line <= lines.count else { return false }
        let scalars = Array(lines[node.line - 1].unicodeScalars)
        return node.column >= 1 && node.column <= scalars.count && (scalars[node.column - 1] == "{" || scalars[node.column - 1] == "[")
    }

    /// The line index, the scalar offset and the source token of a one-line
    /// scalar: its text as written, bare or in quotes without escapes.
    private func locate(_ node: YAMLNode) throws(Refusal) -> (Int, Int, [Unicode.Scalar]) {
        let refusal = Refusal(line: node.line, column: node.column, message: "not a simple one-line scalar: edit it by hand")
        guard let text = node.scalarText, node.line >= 1, node.line <= lines.count, node.column >= 1 else { throw refusal }
        let scalars = Array(lines[node.line - 1].unicodeScalars)
        let start = node.column - 1
        for candidate in [text, "\"\(text)\"", "'\(text)'"] {
            let token = Array(candidate.unicodeScalars)
            if start + token.count <= scalars.count, Array(scalars[start..<(start + token.count)]) == token {
                return (node.line - 1, start, token)
            }
        }
        throw refusal
    }
}
