import Crypto
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
/// hidden entries skipped), merges them and checks the whole. Problems are
/// collected across all files and thrown together as one `InventoryError`.
public struct InventoryLoader: Sendable {
    /// Files larger than this are refused unread.
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
        let relative = yamlFiles(in: dir, diagnostics: &diagnostics)
        guard !relative.isEmpty else {
            throw InventoryError(diagnostics + [Diagnostic(at: SourceLocation(file: dir, line: 1, column: 1), path: "inventory", "no *.yaml files in the directory")])
        }
        var sources: [(file: String, bytes: [UInt8]?)] = []
        for rel in relative {
            let path = dir + "/" + rel
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if size > maxFileBytes {
                diagnostics.append(Diagnostic(at: SourceLocation(file: path, line: 1, column: 1), path: "file",
                                              "file is larger than \(maxFileBytes >> 20) MiB"))
                sources.append((path, nil))
                continue
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                diagnostics.append(Diagnostic(at: SourceLocation(file: path, line: 1, column: 1), path: "file", "cannot read the file"))
                sources.append((path, nil))
                continue
            }
            sources.append((path, [UInt8](data)))
        }
        return try load(sources: sources, names: relative, diagnostics: diagnostics)
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
        let slots = FileSlots(count: sources.count)
        DispatchQueue.concurrentPerform(iterations: sources.count) { i in
            let (file, bytes) = sources[i]
            guard let bytes else { return }
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
            slots.set(i, part, ctx.diagnostics)
        }
        var parts: [FileContribution] = []
        for i in 0..<sources.count {
            let (part, ds) = slots.get(i)
            if let part { parts.append(part) }
            diagnostics += ds
        }
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

    private func yamlFiles(in dir: String, diagnostics: inout [Diagnostic]) -> [String] {
        var out: [String] = []
        func walk(_ rel: String, depth: Int) {
            let full = rel.isEmpty ? dir : dir + "/" + rel
            guard depth < 16, let names = try? FileManager.default.contentsOfDirectory(atPath: full) else { return }
            for name in names where !name.hasPrefix(".") {
                let r = rel.isEmpty ? name : rel + "/" + name
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: dir + "/" + r, isDirectory: &isDir) else { continue }
                if isDir.boolValue { walk(r, depth: depth + 1) }
                else if name.hasSuffix(".yaml") { out.append(r) }
                else if name.hasSuffix(".yml") {
                    diagnostics.append(Diagnostic(.warning, at: SourceLocation(file: dir + "/" + r, line: 1, column: 1), path: "file",
                                                  "ignored: inventory files end in .yaml"))
                }
            }
        }
        walk("", depth: 0)
        return out.sorted()
    }
}

/// Per-file results written by parallel decoders, one slot each.
private final class FileSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [FileContribution?]
    private var diagnostics: [[Diagnostic]]

    init(count: Int) {
        parts = Array(repeating: nil, count: count)
        diagnostics = Array(repeating: [], count: count)
    }

    func set(_ i: Int, _ part: FileContribution?, _ ds: [Diagnostic]) {
        lock.lock()
        defer { lock.unlock() }
        parts[i] = part
        diagnostics[i] = ds
    }

    func get(_ i: Int) -> (FileContribution?, [Diagnostic]) {
        lock.lock()
        defer { lock.unlock() }
        return (parts[i], diagnostics[i])
    }
}
