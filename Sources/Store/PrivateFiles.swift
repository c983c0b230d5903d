import Foundation
import Glibc

/// Files that hold credentials or recipients' personal data (the state
/// file and its `-wal`/`-shm`, the sandbox world, saved plans) are created
/// 0600 in 0700 directories, whatever the umask: a shared machine's other
/// users have no business reading them. Directories that already exist are
/// left as they are (they may be the operator's own); an existing file that
/// is readable by group or others gets a warning, not a silent chmod.
public enum PrivateFiles {
    public static let fileMode: mode_t = 0o600
    public static let directoryMode: mode_t = 0o700

    /// Creates `path` and its missing parents, each new one 0700.
    public static func createDirectory(_ path: String) throws(PrivateFileError) {
        var missing: [String] = []
        var p = path.isEmpty ? "." : path
        while !p.isEmpty, p != "/", p != "." {
            var st = stat()
            if stat(p, &st) == 0 {
                guard st.st_mode & S_IFMT == S_IFDIR else {
                    throw PrivateFileError(path: path, reason: p == path ? "not a directory" : "a parent is not a directory (\(p))")
                }
                break
            }
            missing.append(p)
            p = (p as NSString).deletingLastPathComponent
        }
        for dir in missing.reversed() {
            if mkdir(dir, directoryMode) != 0, errno != EEXIST {
                throw PrivateFileError(path: path, reason: errorText(errno))
            }
            chmod(dir, directoryMode)
        }
    }

    /// Creates an empty file 0600 if it does not exist (SQLite then gives its
    /// `-wal` and `-shm` the same mode); checks an existing one with `warnIfExposed`.
    public static func prepare(_ path: String, warn: (String) -> Void = printWarning) throws(PrivateFileError) {
        try checkTarget(path)
        try createDirectory(parent(of: path))
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        if fd >= 0 {
            fchmod(fd, fileMode)
            close(fd)
            return
        }
        guard errno == EEXIST else { throw PrivateFileError(path: path, reason: errorText(errno)) }
        warnIfExposed(path, warn: warn)
    }

    /// Writes `data` atomically (a 0600 temporary file renamed over `path`).
    /// A file it replaces loses its old mode: the new one is 0600.
    public static func write(_ data: Data, to path: String) throws(PrivateFileError) {
        try checkTarget(path)
        try createDirectory(parent(of: path))
        let tmp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard fd >= 0 else { throw PrivateFileError(path: path, reason: errorText(errno)) }
        fchmod(fd, fileMode)
        var failure: Int32 = 0
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == 0, rename(tmp, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(tmp)
            throw PrivateFileError(path: path, reason: errorText(failure))
        }
    }

    /// Warns when an existing file is readable or writable by group or others.
    public static func warnIfExposed(_ path: String, warn: (String) -> Void = printWarning) {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & 0o077 != 0 else { return }
        let mode = String(st.st_mode & 0o777, radix: 8)
        warn("warning: \(path) is accessible to other users (mode 0\(mode)) and holds credentials or recipient data: chmod 600 \(path)\n")
    }

    public static func printWarning(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    /// Refuses, in words, a path naming a directory or lying under a file
    /// (what `--out` gets wrong), before any work is spent.
    public static func checkTarget(_ path: String) throws(PrivateFileError) {
        var st = stat()
        if path.hasSuffix("/") || (stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR) {
            throw PrivateFileError(path: path, reason: "is a directory")
        }
        var p = parent(of: path)
        while !p.isEmpty, p != "/", p != "." {
            if stat(p, &st) == 0 {
                if st.st_mode & S_IFMT != S_IFDIR { throw PrivateFileError(path: path, reason: "a parent is not a directory (\(p))") }
                return
            }
            p = (p as NSString).deletingLastPathComponent
        }
    }

    static func parent(of path: String) -> String {
        let p = (path as NSString).deletingLastPathComponent
        return p.isEmpty ? "." : p
    }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// A private file or directory that could not be created, in words.
public struct PrivateFileError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { "\(path): \(reason)" }
}
