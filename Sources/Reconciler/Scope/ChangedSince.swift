import Foundation
import Inventory

/// `--changed-since REF`: reads the inventory as it was at a git ref, compiles
/// it, and compares it domain by domain with the current desired state, so a
/// pull request's plan observes only the domains it changes.
///
/// git is asked for four things, all read-only: the work tree and the
/// inventory's path in it (`rev-parse --show-toplevel --show-prefix`), the
/// commit REF names (`rev-parse REF^{commit}`), the inventory's files at that
/// commit (`ls-tree -r`), and their contents in one `cat-file --batch`. The
/// files are loaded from memory with the same rules as a directory (`*.yaml`,
/// hidden entries skipped, sorted by path).
///
/// When the inventory at REF is unusable every current domain counts as
/// changed, and `ChangedSinceScope.fallback` says why: a scoped plan must never
/// skip a domain because the base could not be read. That covers a directory
/// that did not exist at REF (the inventory is new) and one that does not load
/// or compile there (a broken base commit).
public struct ChangedSince: Sendable {
    public var compiler: DesiredStateCompiler
    public var loader: InventoryLoader
    var git: GitProcess

    public init(compiler: DesiredStateCompiler = DesiredStateCompiler(), loader: InventoryLoader = InventoryLoader(),
                gitExecutable: String = "git") {
        self.compiler = compiler
        self.loader = loader
        self.git = GitProcess(executable: gitExecutable)
    }

    /// The scope of a plan of `current` (the compiled inventory of `inventoryDirectory`)
    /// against the same directory's inventory at `ref`.
    public func scope(ref: String, inventoryDirectory: String, current: DesiredState) async throws(ChangedSinceError) -> ChangedSinceScope {
        let (top, prefix) = try await repository(of: inventoryDirectory)
        let commit = try await resolve(ref, in: top)
        let files = try await inventoryFiles(commit: commit, ref: ref, prefix: prefix, top: top)
        let shown = prefix.isEmpty ? "the repository root" : String(prefix.dropLast())
        guard !files.isEmpty else {
            return .everything(ref: ref, commit: commit, current: current,
                               because: "\(shown) has no *.yaml files at \(ref): every domain counts as changed")
        }
        let base: DesiredState
        do throws(InventoryError) {
            base = try compiler.compile(try loader.load(files: files).inventory)
        } catch {
            let first = error.errors.first.map(\.description) ?? error.description
            let more = error.errors.count > 1 ? " and \(error.errors.count - 1) more" : ""
            return .everything(ref: ref, commit: commit, current: current,
                               because: "the inventory at \(ref) does not load (\(first)\(more)): every domain counts as changed")
        }
        return .between(base: base, current: current, ref: ref, commit: commit)
    }

    /// Compiles the current inventory of `inventoryDirectory` first, then scopes it.
    public func scope(ref: String, inventoryDirectory: String) async throws -> ChangedSinceScope {
        let current = try compiler.compile(try loader.load(directory: inventoryDirectory).inventory)
        return try await scope(ref: ref, inventoryDirectory: inventoryDirectory, current: current)
    }

    // MARK: git

    /// The work tree's root and the directory's path in it (`inventory/`, or "" at the root).
    func repository(of directory: String) async throws(ChangedSinceError) -> (top: String, prefix: String) {
        let r = try await git.run(["-C", directory, "rev-parse", "--show-toplevel", "--show-prefix"])
        let lines = String(decoding: r.stdout, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard r.status == 0, let top = lines.first, !top.isEmpty else {
            throw ChangedSinceError(.notARepository, "\(directory) is not inside a git work tree (git: \(r.message))")
        }
        return (top, lines.count > 1 ? lines[1] : "")
    }

    /// The commit `ref` names. `--end-of-options` keeps a ref starting with `-` from being read as an option.
    func resolve(_ ref: String, in top: String) async throws(ChangedSinceError) -> String {
        guard !ref.isEmpty else { throw ChangedSinceError(.unknownRef, "empty git ref") }
        let r = try await git.run(["-C", top, "rev-parse", "--end-of-options", ref + "^{commit}", "--"])
        let hash = String(decoding: r.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
            .first { $0.count >= 40 && $0.allSatisfy(\.isHexDigit) }
        guard r.status == 0, let hash else {
            throw ChangedSinceError(.unknownRef, "unknown git ref '\(ref)' in \(top) (git: \(r.message))")
        }
        return hash
    }

    /// The inventory's `*.yaml` files at `commit`, named `REF:path` for diagnostics, sorted
    /// by path below the inventory directory as `InventoryLoader.load(directory:)` sorts them.
    func inventoryFiles(commit: String, ref: String, prefix: String, top: String) async throws(ChangedSinceError) -> [(file: String, text: String)] {
        var args = ["-C", top, "ls-tree", "-r", "-z", "--full-tree", "--name-only", commit]
        if !prefix.isEmpty { args += ["--", prefix] }
        let list = try await git.run(args)
        guard list.status == 0 else {
            throw ChangedSinceError(.git, "cannot list \(prefix.isEmpty ? "the tree" : prefix) at \(ref) (git: \(list.message))")
        }
        let paths = list.stdout.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        var wanted: [(relative: String, path: String)] = []
        for path in paths where path.hasPrefix(prefix) && !path.contains("\n") {
            let relative = String(path.dropFirst(prefix.count))
            let parts = relative.split(separator: "/")
            guard relative.hasSuffix(".yaml"), parts.count <= 16, !parts.contains(where: { $0.hasPrefix(".") }) else { continue }
            wanted.append((relative, path))
        }
        wanted.sort { $0.relative < $1.relative }
        guard !wanted.isEmpty else { return [] }
        let request = Data(wanted.map { "\(commit):\($0.path)\n" }.joined().utf8)
        let batch = try await git.run(["-C", top, "cat-file", "--batch"], stdin: request)
        guard batch.status == 0 else {
            throw ChangedSinceError(.git, "cannot read the inventory files at \(ref) (git: \(batch.message))")
        }
        let blobs = try Self.parseBatch(batch.stdout, count: wanted.count, ref: ref)
        return zip(wanted, blobs).map { ("\(ref):\($0.0.path)", String(decoding: $0.1, as: UTF8.self)) }
    }

    /// `cat-file --batch` output: per object `<sha> <type> <size>\n<bytes>\n`, or `<name> missing\n`.
    static func parseBatch(_ data: Data, count: Int, ref: String) throws(ChangedSinceError) -> [Data] {
        let bytes = [UInt8](data)
        var out: [Data] = []
        var i = 0
        while out.count < count {
            guard let nl = bytes[i...].firstIndex(of: 0x0A) else { break }
            let header = String(decoding: bytes[i..<nl], as: UTF8.self).split(separator: " ")
            guard header.count == 3, header[1] == "blob", let size = Int(header[2]), nl + 1 + size <= bytes.count else {
                throw ChangedSinceError(.git, "cannot read an inventory file at \(ref) (git cat-file: \(header.joined(separator: " ")))")
            }
            out.append(Data(bytes[(nl + 1)..<(nl + 1 + size)]))
            i = nl + 1 + size + 1
        }
        guard out.count == count else {
            throw ChangedSinceError(.git, "git cat-file returned \(out.count) of \(count) inventory files at \(ref)")
        }
        return out
    }
}
