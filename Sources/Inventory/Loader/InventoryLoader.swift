import Crypto
import DNSRecords
import Foundation

/// The loaded inventory and the warnings that do not stop it from being used.
public struct LoadResult: Sendable {
    public var inventory: Inventory
    /// Sorted.
    public var warnings: [Diagnostic]
    /// SHA-256 (hex) over every file as read — its path relative to the
    /// directory, a NUL, its bytes, a NUL — in path order. Hashed from the very
    /// bytes that were parsed, so a plan's inventory hash is always the hash
    /// of what was compiled, and it does not depend on where the command runs.
    public var contentHash: String
}

/// Loads every `*.yaml` file under a directory (recursively, sorted by path,
/// hidden entries skipped, symbolic links followed only inside the directory:
/// `InventoryFiles`), merges them and checks the whole. Problems are
/// collected across all files and thrown together as one `InventoryError`.
public struct InventoryLoader: Sendable {
    /// Files larger than this are refused unread (the size of what a link leads to).
    public var maxFileBytes = 64 << 20
    /// Nesting limit of one YAML document.
    public var maxDepth = 64
    /// Limit on nodes of one document with aliases expanded.
    public var maxExpandedNodes = 5_000_000

    public init() {}

    public func load(directory: String) throws(InventoryError) -> LoadResult {
        let dir = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw InventoryError([Diagnostic(at: SourceLocation(file: dir, line: 1, column: 1), path: "inventory",
                                             "no such directory (pass --inventory DIR)")])
        }
        var diagnostics: [Diagnostic] = []
        let files = InventoryFiles(maxFileBytes: maxFileBytes).read(directory: dir, diagnostics: &diagnostics)
        guard !files.isEmpty else {
            let refused = diagnostics.contains { $0.severity == .error }
            throw InventoryError(refused ? diagnostics : diagnostics + [Diagnostic(at: SourceLocation(file: dir, line: 1, column: 1), path: "inventory", "no *.yaml files in the directory")])
        }
        let sources: [(file: String, bytes: [UInt8]?)] = files.map { ($0.path, $0.bytes) }
        let names = files.map { String($0.path.dropFirst(dir.count + 1)) }
        return try load(sources: sources, names: names, diagnostics: diagnostics)
    }

    /// Loads in-memory files (`file` is the name used in diagnostics), in the given order.
    public func load(files: [(file: String, text: String)]) throws(InventoryError) -> LoadResult {
        try load(sources: files.map { ($0.file, Array($0.text.utf8)) }, names: files.map(\.file), diagnostics: [])
    }

    /// `names` are the paths the content hash records (relative to the directory).
    private func load(sources: [(file: String, bytes: [UInt8]?)], names: [String],
                      diagnostics initial: [Diagnostic]) throws(InventoryError) -> LoadResult {
        var diagnostics = initial
        let reader = YAMLReader(maxDepth: maxDepth, maxExpandedNodes: maxExpandedNodes)
        // Files are independent until the merge: decode them in parallel,
        // keep the results in file order so the outcome stays deterministic.
        let decoded = concurrentMap(Array(sources.indices)) { i -> (part: FileContribution?, diagnostics: [Diagnostic]) in
            let (file, bytes) = sources[i]
            guard let bytes else { return (nil, []) }
            let ctx = DecodeContext(file: file)
            var part: FileContribution?
            do throws(YAMLReader.Failure) {
                if let root = try reader.parse(bytes), !root.isNull {
                    let decoder = FileDecoder(ctx: ctx)
                    decoder.decode(root)
                    part = decoder.out
                } else {
                    ctx.add(Diagnostic(.warning, at: SourceLocation(file: file, line: 1, column: 1), path: "file", "empty file"))
                }
            } catch {
                ctx.add(Diagnostic(at: SourceLocation(file: file, line: error.line, column: error.column), path: "file", error.message))
            }
            return (part, ctx.diagnostics)
        }
        let parts = decoded.compactMap(\.part)
        for d in decoded { diagnostics += d.diagnostics }
        var merger = InventoryMerger()
        let inventory = merger.merge(parts, files: sources.map(\.file))
        diagnostics += merger.diagnostics
        diagnostics.sort()
        if diagnostics.contains(where: { $0.severity == .error }) {
            throw InventoryError(diagnostics)
        }
        return LoadResult(inventory: inventory, warnings: diagnostics, contentHash: Self.contentHash(sources, names: names))
    }

    static func contentHash(_ sources: [(file: String, bytes: [UInt8]?)], names: [String]) -> String {
        var hasher = Crypto.SHA256()
        for (name, source) in zip(names, sources).sorted(by: { $0.0 < $1.0 }) {
            hasher.update(data: Array(name.utf8) + [0])
            hasher.update(data: (source.bytes ?? []) + [0])
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
