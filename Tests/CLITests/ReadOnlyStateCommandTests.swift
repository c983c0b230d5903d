import Foundation
import Testing

/// Issue #18: `status` and `capacity` work on a state their user can read
/// but not write (a read-only directory and file, also with a write-ahead
/// log left behind by a sender that died), and write nothing. The tests run
/// as root, which ignores file modes, so the binary runs as `nobody`
/// (uid 65534) through `setpriv`; a non-root test user is itself bound by the modes.
@Suite(.serialized) struct ReadOnlyStateCommandTests {
    typealias Fixture = EnqueueCommandTests.Fixture
    static let inventory = CLIRunner.repositoryRoot + "/inventory"

    /// The binary and the inventory where `nobody` can reach them: the
    /// checkout may sit under a directory only root may enter (a clone in a
    /// `mktemp -d` directory, mode 0700, failed every call here).
    struct Reachable {
        let dir: String
        var binary: String { dir + "/reconcile" }
        var inventory: String { dir + "/inventory" }

        init() throws {
            let fm = FileManager.default
            dir = fm.temporaryDirectory.appendingPathComponent("reconcile-ro-\(UUID().uuidString.prefix(8))").path
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            try fm.copyItem(atPath: CLIRunner.binary, toPath: binary)
            try fm.copyItem(atPath: ReadOnlyStateCommandTests.inventory, toPath: inventory)
        }

        func remove() { try? FileManager.default.removeItem(atPath: dir) }
    }

    /// `reconcile args` as a user the modes bind.
    static func runUnprivileged(_ args: [String], cwd: String, binary: String) throws -> CLIRunner.Output {
        guard getuid() == 0 else { return try CLIRunner.run(binary, args, cwd: cwd) }
        return try CLIRunner.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", binary] + args, cwd: cwd)
    }

    /// Every file of `dir` with its bytes and mode: what "writes nothing" compares.
    static func snapshot(_ dir: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
            let path = dir + "/" + name
            let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
            out["\(name) \(String(mode, radix: 8))"] = try Data(contentsOf: URL(fileURLWithPath: path))
        }
        return out
    }

    /// Makes the fixture's directory and files read-only (0555/0444), runs
    /// `status` and `capacity` unprivileged, and checks they answer and the
    /// directory is byte for byte as before. Returns `status`'s report.
    func reportOnReadOnlyState(_ f: Fixture) throws -> String {
        let fm = FileManager.default
        let reach = try Reachable()
        defer { reach.remove() }
        for name in try fm.contentsOfDirectory(atPath: f.dir) { try fm.setAttributes([.posixPermissions: 0o444], ofItemAtPath: f.dir + "/" + name) }
        try fm.setAttributes([.posixPermissions: 0o555], ofItemAtPath: f.dir)
        defer { try? fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: f.dir) }
        let before = try Self.snapshot(f.dir)
        // The modes really bind the child: it cannot create a file beside the state.
        let touch = try Self.runUnprivileged(["enqueue", "--campaign", "campaign.yaml", "--recipients", "first.csv", "--group", "us-outreach",
                                              "--inventory", reach.inventory, "--state", f.dir + "/new.sqlite"], cwd: f.dir, binary: reach.binary)
        #expect(touch.status == 1 && touch.stderr.contains("new.sqlite"), "\(touch.stderr)")
        let status = try Self.runUnprivileged(["status", "--inventory", reach.inventory, "--state", f.state], cwd: f.dir, binary: reach.binary)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("outbox: 2 planned,"), "\(status.stdout)")
        let capacity = try Self.runUnprivileged(["capacity", "--days", "1", "--inventory", reach.inventory, "--state", f.state], cwd: f.dir,
                                              binary: reach.binary)
        #expect(capacity.status == 0, "\(capacity.stderr)")
        #expect(capacity.stdout.contains("group us-outreach:") && capacity.stdout.contains("fleet: demand 2,"), "\(capacity.stdout)")
        #expect(try Self.snapshot(f.dir) == before)
        return status.stdout
    }

    @Test func statusAndCapacityReadAStateTheyCannotWrite() throws {
        let f = try Fixture(); defer { f.remove() }
        let report = try reportOnReadOnlyState(f)
        #expect(report.contains("suppressed recipients: 0"), "\(report)")
    }

    /// A sender killed mid-run leaves `-wal` and `-shm`; the last change is
    /// only in the log. A reader that cannot write them still sees it.
    @Test func statusAndCapacityReadAWriteAheadLogTheyCannotWrite() throws {
        let f = try Fixture(); defer { f.remove() }
        let py = Process()
        py.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        py.arguments = ["-c", """
            import os, sqlite3, sys
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute("PRAGMA wal_autocheckpoint = 0")
            c.execute("INSERT INTO sending_suppression (email, reason, source, at) VALUES ('zed@example.net', 'manual', 'test', 0)")
            os._exit(0)  # no close, no checkpoint: the row stays in the -wal file
            """, f.state]
        try py.run(); py.waitUntilExit()
        #expect(py.terminationStatus == 0)
        let wal = try Data(contentsOf: URL(fileURLWithPath: f.state + "-wal"))
        #expect(wal.count > 0 && FileManager.default.fileExists(atPath: f.state + "-shm"))
        let report = try reportOnReadOnlyState(f)
        #expect(report.contains("suppressed recipients: 1"), "\(report)")
    }
}
