/// Collects the diagnostics of one file while it is decoded, and turns
/// nodes into locations. Decoding never stops at the first problem: a bad
/// value is reported and skipped so every other problem is found too.
public final class DecodeContext {
    public let file: String
    public private(set) var diagnostics: [Diagnostic] = []

    public init(file: String) { self.file = file }

    public func location(_ node: YAMLNode) -> SourceLocation {
        SourceLocation(file: file, line: node.line, column: node.column)
    }

    public func error(_ node: YAMLNode, _ path: String, _ message: String) {
        diagnostics.append(Diagnostic(.error, at: location(node), path: path.isEmpty ? "file" : path, message))
    }

    public func warning(_ node: YAMLNode, _ path: String, _ message: String) {
        diagnostics.append(Diagnostic(.warning, at: location(node), path: path.isEmpty ? "file" : path, message))
    }

    public func add(_ d: Diagnostic) { diagnostics.append(d) }
}

/// `a.b`, `a[3]`: the dotted path of a field inside its file.
public enum FieldPath {
    public static func key(_ base: String, _ key: String) -> String { base.isEmpty ? key : base + "." + key }
    public static func index(_ base: String, _ i: Int) -> String { base + "[\(i)]" }
}
