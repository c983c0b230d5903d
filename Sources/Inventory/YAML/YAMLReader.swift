import CYaml

/// Parses one YAML file into a `YAMLNode` tree with libyaml's event API
/// (the copy bundled with Yams), guarding against hostile input: nesting
/// deeper than `maxDepth`, alias expansion beyond `maxExpandedNodes` (the
/// "billion laughs"), and more than one document. libyaml itself checks
/// UTF-8 and control characters. Public so that other YAML inputs (campaign
/// files) get the same located, bounded reading as the inventory.
public struct YAMLReader: Sendable {
    public var maxDepth: Int
    public var maxExpandedNodes: Int

    public init(maxDepth: Int = 64, maxExpandedNodes: Int = 5_000_000) {
        self.maxDepth = maxDepth
        self.maxExpandedNodes = maxExpandedNodes
    }

    public struct Failure: Error, Sendable {
        public var line: Int
        public var column: Int
        public var message: String
    }

    /// Nil for a file without any document (empty, or only comments).
    public func parse(_ bytes: [UInt8]) throws(Failure) -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw Failure(line: 1, column: 1, message: "YAML parser could not start (out of memory)") }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeBufferPointer { (buf) throws(Failure) -> YAMLNode? in
            yaml_parser_set_input_string(&parser, buf.baseAddress, buf.count)
            return try compose(&parser, bytes: buf)
        }
    }

    private enum Frame {
        case sequence(items: [YAMLNode], line: Int, column: Int, anchor: String?, size: Int)
        case mapping(pairs: [(key: YAMLNode, value: YAMLNode)], pendingKey: YAMLNode?, line: Int, column: Int, anchor: String?, size: Int)
    }

    private func compose(_ parser: inout yaml_parser_t, bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> YAMLNode? {
        var stack: [Frame] = []
        var anchors: [String: YAMLNode] = [:]
        var root: YAMLNode?
        var documents = 0
        var event = yaml_event_t()

        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else { throw failure(of: parser, bytes: bytes) }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1
            let column = Int(event.start_mark.column) + 1

            var finished: YAMLNode?
            var anchorOfFinished: String?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return root
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    throw Failure(line: line, column: column, message: "YAML syntax: only one document per file is supported (found a second '---')")
                }
                continue
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let text = string(s.value, Int(s.length))
                let tag = s.tag.map { String(cString: $0) }
                let plain = s.style == YAML_PLAIN_SCALAR_STYLE && tag != "tag:yaml.org,2002:str"
                finished = YAMLNode(value: .scalar(text, plain: plain), line: line, column: column, expandedSize: 1)
                anchorOfFinished = s.anchor.map { String(cString: $0) }
            case YAML_ALIAS_EVENT:
                let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
                guard let target = anchors[name] else {
                    throw Failure(line: line, column: column, message: "YAML syntax: unknown alias '*\(name)' (no anchor '&\(name)' before it)")
                }
                // The alias is the anchored node, reported at the alias's own
                // position (its children keep the anchor's marks).
                var here = target
                here.line = line
                here.column = column
                finished = here
            case YAML_SEQUENCE_START_EVENT:
                guard stack.count < maxDepth else { throw depthFailure(line, column) }
                let anchor = event.data.sequence_start.anchor.map { String(cString: $0) }
                stack.append(.sequence(items: [], line: line, column: column, anchor: anchor, size: 1))
                continue
            case YAML_MAPPING_START_EVENT:
                guard stack.count < maxDepth else { throw depthFailure(line, column) }
                let anchor = event.data.mapping_start.anchor.map { String(cString: $0) }
                stack.append(.mapping(pairs: [], pendingKey: nil, line: line, column: column, anchor: anchor, size: 1))
                continue
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                switch stack.removeLast() {
                case let .sequence(items, l, c, anchor, size):
                    finished = YAMLNode(value: .sequence(items), line: l, column: c, expandedSize: size)
                    anchorOfFinished = anchor
                case let .mapping(pairs, _, l, c, anchor, size):
                    finished = YAMLNode(value: .mapping(pairs), line: l, column: c, expandedSize: size)
                    anchorOfFinished = anchor
                }
            default:
                continue // stream start, document end
            }

            guard let node = finished else { continue }
            if let a = anchorOfFinished { anchors[a] = node }
            if stack.isEmpty {
                root = node
                continue
            }
            try append(node, to: &stack)
        }
    }

    private func append(_ node: YAMLNode, to stack: inout [Frame]) throws(Failure) {
        let added = node.expandedSize
        switch stack[stack.count - 1] {
        case .sequence(var items, let l, let c, let anchor, let size):
            stack[stack.count - 1] = .sequence(items: [], line: l, column: c, anchor: anchor, size: 0)
            items.append(node)
            stack[stack.count - 1] = .sequence(items: items, line: l, column: c, anchor: anchor, size: size &+ added)
            try checkSize(size &+ added, node)
        case .mapping(var pairs, let pending, let l, let c, let anchor, let size):
            stack[stack.count - 1] = .mapping(pairs: [], pendingKey: nil, line: l, column: c, anchor: anchor, size: 0)
            if let key = pending {
                pairs.append((key: key, value: node))
                stack[stack.count - 1] = .mapping(pairs: pairs, pendingKey: nil, line: l, column: c, anchor: anchor, size: size &+ added)
            } else {
                stack[stack.count - 1] = .mapping(pairs: pairs, pendingKey: node, line: l, column: c, anchor: anchor, size: size &+ added)
            }
            try checkSize(size &+ added, node)
        }
    }

    private func checkSize(_ size: Int, _ node: YAMLNode) throws(Failure) {
        if size > maxExpandedNodes || size < 0 {
            throw Failure(line: node.line, column: node.column,
                          message: "YAML: the document expands to more than \(maxExpandedNodes) nodes (aliases repeating large anchors?)")
        }
    }

    private func depthFailure(_ line: Int, _ column: Int) -> Failure {
        Failure(line: line, column: column, message: "YAML: nesting deeper than \(maxDepth) levels")
    }

    private func string(_ p: UnsafeMutablePointer<yaml_char_t>?, _ n: Int) -> String {
        guard let p else { return "" }
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    private func failure(of parser: yaml_parser_t, bytes: UnsafeBufferPointer<UInt8>) -> Failure {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        if parser.error == YAML_READER_ERROR {
            // Reader errors (bad UTF-8, control characters) carry a byte offset only.
            let (l, c) = position(ofByte: Int(parser.problem_offset), in: bytes)
            return Failure(line: l, column: c, message: "YAML: \(problem) (the file must be UTF-8 text)")
        }
        if parser.error == YAML_MEMORY_ERROR {
            return Failure(line: 1, column: 1, message: "YAML: out of memory")
        }
        if problem.hasPrefix("Maximum nesting level reached") {
            // libyaml's own guard (1000 levels), hit by flow collections the scanner reads ahead.
            return Failure(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1,
                           message: "YAML: nesting deeper than 1000 levels")
        }
        var message = "YAML syntax: \(problem)"
        if let ctx = parser.context.map({ String(cString: $0) }) {
            message += " (\(ctx) at line \(Int(parser.context_mark.line) + 1), column \(Int(parser.context_mark.column) + 1))"
        }
        return Failure(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1, message: message)
    }

    private func position(ofByte offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var line = 1, column = 1
        for b in bytes.prefix(max(0, min(offset, bytes.count))) {
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return (line, column)
    }
}
