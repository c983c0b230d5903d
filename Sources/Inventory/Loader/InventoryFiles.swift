import Foundation
import Glibc

/// Finds and reads the inventory's `*.yaml` files without ever leaving its
/// directory. The inventory often comes from a pull request, so a symbolic
/// link is hostile input: it is followed only when its resolved target lies
/// inside the inventory root, a directory (or file) is read at most once
/// (which ends `ln -s . loop` cycles at the first repetition), and the
/// size and type checks apply to what is actually opened, never to the link.
/// A refused link is reported at the link's own path; nothing of its target
/// (not even the target's path) reaches a message.
struct InventoryFiles {
    var maxFileBytes: Int
    /// Directory levels under the root.
    var maxDepth = 16
    /// `*.yaml` files in one inventory (a 600-domain fleet has a few dozen).
    var maxFiles = 10_000

    struct Source {
        var path: String
        var bytes: [UInt8]
    }

    /// Every readable `*.yaml` file under `dir`, sorted by path, with the
    /// problems (errors and warnings) of the walk.
    func read(directory dir: String, diagnostics: inout [Diagnostic]) -> [Source] {
        var walk = Walk(dir: dir, limits: self)
        walk.run()
        diagnostics += walk.diagnostics
        var out: [Source] = []
        for rel in walk.files.sorted() {
            let path = dir + "/" + rel
            switch Self.readRegularFile(path, maxBytes: maxFileBytes) {
            case .success(let bytes): out.append(Source(path: path, bytes: bytes))
            case .failure(let problem): diagnostics.append(Self.problem(path, problem.message))
            }
        }
        return out
    }

    struct ReadProblem: Error { var message: String }

    /// Opens without blocking (a FIFO named `x.yaml` must not hang the run),
    /// then checks the opened file itself: a regular file within the limit.
    static func readRegularFile(_ path: String, maxBytes: Int) -> Result<[UInt8], ReadProblem> {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .failure(ReadProblem(message: "cannot read the file")) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(ReadProblem(message: "cannot read the file")) }
        guard st.st_mode & S_IFMT == S_IFREG else {
            return .failure(ReadProblem(message: "not a regular file (devices, FIFOs and sockets are never read)"))
        }
        let tooLarge = ReadProblem(message: "file is larger than \(maxBytes >> 20) MiB")
        guard Int(st.st_size) <= maxBytes else { return .failure(tooLarge) }
        // Read to EOF but never past the limit: the file may grow after fstat.
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                guard count <= maxBytes else { return .failure(tooLarge) }
                bytes += [UInt8](repeating: 0, count: min(max(4096, count), maxBytes + 1 - count))
            }
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { return .failure(ReadProblem(message: "cannot read the file")) }
            if n == 0 { break }
            count += n
        }
        guard count <= maxBytes else { return .failure(tooLarge) }
        return .success(Array(bytes.prefix(count)))
    }

    static func problem(_ path: String, _ message: String, _ severity: Diagnostic.Severity = .error) -> Diagnostic {
        Diagnostic(severity, at: SourceLocation(file: path, line: 1, column: 1), path: "file", message)
    }
}

/// One walk over the tree. Real entries are walked first and links only
/// afterwards, so a link that repeats a real directory or file is the one
/// blamed, whatever the names' order.
private struct Walk {
    struct FileID: Hashable {
        var device: UInt64
        var inode: UInt64
        init(_ st: stat) { device = UInt64(st.st_dev); inode = UInt64(st.st_ino) }
    }

    let dir: String
    let limits: InventoryFiles
    /// The root's canonical path: link targets must lie under it.
    let root: String?
    var files: [String] = []
    var diagnostics: [Diagnostic] = []
    private var seenDirectories: [FileID: String] = [:]
    private var seenFiles: [FileID: String] = [:]
    private var links: [(rel: String, depth: Int)] = []
    private var reportedTooMany = false

    init(dir: String, limits: InventoryFiles) {
        self.dir = dir
        self.limits = limits
        root = Self.canonical(dir)
    }

    mutating func run() {
        guard root != nil, let st = Self.status(dir, follow: true) else { return }
        seenDirectories[FileID(st)] = ""
        visit("", depth: 0)
        var i = 0
        while i < links.count {
            let (rel, depth) = links[i]
            i += 1
            follow(rel, depth: depth)
        }
    }

    private mutating func visit(_ rel: String, depth: Int) {
        let full = rel.isEmpty ? dir : dir + "/" + rel
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: full) else {
            if !rel.isEmpty { diagnostics.append(InventoryFiles.problem(full, "cannot read the directory")) }
            return
        }
        for name in names.sorted() where !name.hasPrefix(".") {
            let r = rel.isEmpty ? name : rel + "/" + name
            // The name itself goes into every message about the file.
            if let (u, _) = ControlCharacters.first(in: name) {
                diagnostics.append(InventoryFiles.problem(ControlCharacters.escaped(dir + "/" + r),
                                                          "name holds control character \(ControlCharacters.describe(u)): not read"))
                continue
            }
            guard let st = Self.status(dir + "/" + r, follow: false) else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFLNK: links.append((r, depth))
            case S_IFDIR: enter(r, st, depth: depth + 1)
            default: consider(r, st)
            }
        }
    }

    private mutating func enter(_ rel: String, _ st: stat, depth: Int) {
        guard depth <= limits.maxDepth else {
            diagnostics.append(InventoryFiles.problem(dir + "/" + rel, "directory nested deeper than \(limits.maxDepth) levels: not read"))
            return
        }
        seenDirectories[FileID(st)] = rel
        visit(rel, depth: depth)
    }

    /// A non-directory entry (or a link's target): kept when it is a `*.yaml` file.
    private mutating func consider(_ rel: String, _ st: stat, viaLink: Bool = false) {
        let path = dir + "/" + rel
        if rel.hasSuffix(".yml") {
            diagnostics.append(InventoryFiles.problem(path, "ignored: inventory files end in .yaml", .warning))
            return
        }
        guard rel.hasSuffix(".yaml") else { return }
        if let first = seenFiles[FileID(st)] {
            diagnostics.append(InventoryFiles.problem(path, "\(viaLink ? "symbolic link to" : "another name of") \(first), which is already read: every file is read once"))
            return
        }
        guard files.count < limits.maxFiles else {
            if !reportedTooMany {
                reportedTooMany = true
                diagnostics.append(InventoryFiles.problem(path, "more than \(limits.maxFiles) *.yaml files in the inventory: the rest is not read"))
            }
            return
        }
        seenFiles[FileID(st)] = rel
        files.append(rel)
    }

    private mutating func follow(_ rel: String, depth: Int) {
        let path = dir + "/" + rel
        guard let target = Self.canonical(path), let st = Self.status(path, follow: true) else {
            if rel.hasSuffix(".yaml") || errno == ELOOP {
                diagnostics.append(InventoryFiles.problem(path, "symbolic link that does not resolve (dangling, or a cycle of links)"))
            }
            return
        }
        let isDirectory = st.st_mode & S_IFMT == S_IFDIR
        // Links to anything but directories and *.yaml files are ignored, as such files are.
        guard isDirectory || rel.hasSuffix(".yaml") || rel.hasSuffix(".yml") else { return }
        guard let root, target == root || target.hasPrefix(root == "/" ? "/" : root + "/") else {
            diagnostics.append(InventoryFiles.problem(path, "symbolic link leads outside the inventory directory: refused (links may only point inside it)"))
            return
        }
        guard isDirectory else { return consider(rel, st, viaLink: true) }
        if let first = seenDirectories[FileID(st)] {
            let what = first.isEmpty ? "the inventory directory itself" : first
            diagnostics.append(InventoryFiles.problem(path, "symbolic link to \(what), which is already read: loops and second readings are refused"))
            return
        }
        enter(rel, st, depth: depth + 1)
    }

    static func status(_ path: String, follow: Bool) -> stat? {
        var st = stat()
        let rc = follow ? stat(path, &st) : lstat(path, &st)
        return rc == 0 ? st : nil
    }

    /// `realpath(3)`: every link resolved, `.`/`..` removed.
    static func canonical(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
