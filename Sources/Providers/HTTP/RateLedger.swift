import Crypto
import Foundation

/// An account's recent request slots as every process on the host sees them.
public struct RateLedgerState: Sendable, Equatable {
    /// Booked slot times, ascending (some may lie in the future: booked, not yet sent).
    public var grants: [Double]
    /// Nobody sends before this (the provider said "slow down").
    public var pausedUntil: Double

    public init(grants: [Double] = [], pausedUntil: Double = -.infinity) {
        self.grants = grants; self.pausedUntil = pausedUntil
    }
}

/// Where a `RateBudget` keeps its slots so that separate processes using the
/// same account share one budget: the provider counts every process's calls
/// (issue #13 §3 — a plan followed at once by an apply drew throttled answers).
public protocol RateLedger: Sendable {
    /// Runs `body` on the shared state under an exclusive lock and stores what it leaves.
    func update<T>(_ body: (inout RateLedgerState) throws -> T) throws -> T
}

public struct RateLedgerError: Error, CustomStringConvertible {
    /// The file, or the account and the state that hold the ledger.
    public var path: String
    public var reason: String
    /// "file", or "ledger" for one that is not a file (the PostgreSQL state).
    public var what: String = "file"
    public var description: String { "rate budget \(what) \(path): \(reason)" }

    public init(path: String, reason: String, what: String = "file") {
        self.path = path; self.reason = reason; self.what = what
    }
}

/// The name under which an account's slots are kept: `<provider>-<hash>`,
/// the hash of what the provider counts against (an API key or user), never
/// the secret itself. The same for every kind of ledger.
public enum RateLedgerAccount {
    public static func name(provider: String, identity: String) -> String {
        let digest = SHA256.hash(data: Data((provider + "\u{0}" + identity).utf8))
        return provider + "-" + digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}

/// One small file per account, locked with `flock` for the few microseconds
/// a slot takes to book: [pausedUntil, grant…] as little-endian Float64.
public struct FileRateLedger: RateLedger {
    public let path: String

    public init(path: String) { self.path = path }

    /// `<directory>/<provider>-<hash>.rate`, the hash of what the provider
    /// counts against (an API key or user): never the secret itself.
    public init(directory: String, provider: String, identity: String) {
        self.init(path: "\(directory)/\(RateLedgerAccount.name(provider: provider, identity: identity)).rate")
    }

    public func update<T>(_ body: (inout RateLedgerState) throws -> T) throws -> T {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RateLedgerError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }   // also releases the lock
        guard flock(fd, LOCK_EX) == 0 else { throw RateLedgerError(path: path, reason: String(cString: strerror(errno))) }
        var state = Self.read(fd)
        let result = try body(&state)
        var words = [state.pausedUntil] + state.grants
        let bytes = words.withUnsafeMutableBytes { Array($0) }
        let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        guard written == bytes.count, ftruncate(fd, off_t(bytes.count)) == 0 else {
            throw RateLedgerError(path: path, reason: "cannot write: \(String(cString: strerror(errno)))")
        }
        return result
    }

    /// A missing, empty or torn file reads as no history (the budget is then
    /// merely as cautious as a fresh process, never wrong about a slot it books).
    private static func read(_ fd: Int32) -> RateLedgerState {
        var data = [UInt8](repeating: 0, count: 1 << 20)
        let n = data.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n >= 8 else { return RateLedgerState() }
        let count = n / 8
        let words: [Double] = data.withUnsafeBytes { raw in (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) } }
        let grants = Array(words.dropFirst())
        guard words[0].isNaN == false, grants.allSatisfy(\.isFinite) else { return RateLedgerState() }
        return RateLedgerState(grants: grants, pausedUntil: words[0])
    }
}
