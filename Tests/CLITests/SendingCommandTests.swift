import Foundation
import Store
import Testing

/// Issue #18 "Every command that sends checks everything first", through the
/// binary: `send`, `enqueue`, `status` and `capacity` refuse what `validate`
/// refuses, reports never create or write a state, and each refusal leaves
/// the state exactly as it was.
@Suite struct SendingCommandTests {
    static let inventory = CLIRunner.repositoryRoot + "/inventory"

    /// A state file with two planned messages (`enqueue` of `first.csv` through the binary).
    typealias Fixture = EnqueueCommandTests.Fixture

    /// Runs `args`, expects exit 1, `message` on stderr, nothing on stdout and the state unchanged.
    func refuses(_ f: Fixture, _ args: [String], environment: [String: String]? = nil, _ message: String,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try f.snapshot()
        let r = try f.run(args, environment: environment)
        #expect(r.status == 1, "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stdout == "", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(message), "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(try f.snapshot() == before, sourceLocation: sourceLocation)
    }

    @Test func statusAndCapacityNeverCreateAState() throws {
        let f = try Fixture(); defer { f.remove() }
        let missing = f.dir + "/nowhere/state.sqlite"
        for command in ["status", "capacity"] {
            let r = try f.run([command, "--inventory", Self.inventory, "--state", missing])
            #expect(r.status == 1)
            #expect(r.stderr == "error: no state at \(missing) (run enqueue first, or pass --state)\n", "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: f.dir + "/nowhere"))
        }
    }

    @Test func aStateThatCannotBeOpenedIsNamedInWords() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("notes.sqlite", "these are my notes, not a database\n")
        let r = try f.run(["status", "--inventory", Self.inventory, "--state", f.dir + "/notes.sqlite"])
        #expect(r.status == 1)
        #expect(r.stderr == "error: cannot open the state file \(f.dir)/notes.sqlite: it is not a state file (not an SQLite database)\n", "\(r.stderr)")
        #expect(try String(contentsOfFile: f.dir + "/notes.sqlite", encoding: .utf8) == "these are my notes, not a database\n")
        let dir = try f.run(["capacity", "--inventory", Self.inventory, "--state", f.dir])
        #expect(dir.stderr == "error: cannot open the state file \(f.dir): it is a directory, not a state file\n", "\(dir.stderr)")

        // A state migrated by a newer reconcile is refused by readers and writers alike.
        let py = Process()
        py.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        py.arguments = ["-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(\"INSERT INTO grdb_migrations VALUES ('sending.99-future')\"); c.commit()", f.state]
        try py.run(); py.waitUntilExit()
        #expect(py.terminationStatus == 0)
        let newer = "the state file \(f.state) was written by a newer reconcile (schema sending.99-future); upgrade reconcile to use it"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: f.state))
        for args in [["status"], ["enqueue", "--campaign", "campaign.yaml", "--recipients", "first.csv", "--group", "us-outreach"]] {
            let r = try f.run(args + ["--inventory", Self.inventory, "--state", f.state])
            #expect(r.status == 1)
            #expect(r.stderr == "error: \(newer)\n", "\(r.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: f.state)) == bytes)
    }

    /// `status` and `capacity` only read: the file's bytes stay the same.
    @Test func reportsDoNotWriteTheState() throws {
        let f = try Fixture(); defer { f.remove() }
        let before = try Data(contentsOf: URL(fileURLWithPath: f.state))
        for command in ["status", "capacity"] {
            let r = try f.run([command, "--inventory", Self.inventory, "--state", f.state])
            #expect(r.status == 0, "\(r.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: f.state)) == before)
    }

    @Test func enableMailboxOutsideTheInventoryIsAnError() throws {
        let f = try Fixture(); defer { f.remove() }
        try refuses(f, ["enable-mailbox", "nobody@nowhere.example", "--reason", "typo", "--inventory", Self.inventory, "--state", f.state],
                    "error: no mailbox nobody@nowhere.example in the fleet")
        let ok = try f.run(["enable-mailbox", "alice@acme-mail.com", "--reason", "fixed", "--inventory", Self.inventory, "--state", f.state])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    /// What `validate` rejects, every sending command rejects, located the same way.
    @Test func sendingCommandsRefuseAnInventoryValidateRejects() throws {
        let f = try Fixture(); defer { f.remove() }
        let noMonitoring = try f.inventory("no-monitoring") { fleet in
            String(fleet[..<fleet.range(of: "monitoring:")!.lowerBound])
        }
        let v = try f.run(["validate", "--inventory", noMonitoring])
        #expect(v.status == 1 && v.stderr.contains("monitoring.public_base_url"), "\(v.stderr)")
        let env = ["UNSUBSCRIBE_SECRET": "u", "SMTP_MASTER_SECRET": "m", "PATH": "/usr/bin:/bin"]
        for args in [["status"], ["capacity"], ["send", "--exit-when-idle"], ["send", "--simulate", "--hours", "1"],
                     ["enqueue", "--campaign", "campaign.yaml", "--recipients", "first.csv", "--group", "us-outreach"]] {
            try refuses(f, args + ["--inventory", noMonitoring, "--state", f.state], environment: env, "monitoring.public_base_url")
        }
        // Sending needs the unsubscribe secret too: no undocumented fallback.
        let noSecret = try f.inventory("no-secret") { $0.replacingOccurrences(of: "  unsubscribe_secret: env:UNSUBSCRIBE_SECRET\n", with: "") }
        try refuses(f, ["send", "--exit-when-idle", "--inventory", noSecret, "--state", f.state], environment: env,
                    "monitoring.unsubscribe_secret: sending needs it (env:NAME): it signs every message's unsubscribe link")
    }

    @Test func sendNamesEveryMissingSecretBeforeReservingAnything() throws {
        let f = try Fixture(); defer { f.remove() }
        let before = try f.snapshot()
        let r = try f.run(["send", "--exit-when-idle", "--inventory", Self.inventory, "--state", f.state], environment: ["PATH": "/usr/bin:/bin"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("send: not started, nothing was reserved:"), "\(r.stderr)")
        #expect(r.stderr.contains("environment variable UNSUBSCRIBE_SECRET is not set (needed by monitoring.unsubscribe_secret)"), "\(r.stderr)")
        #expect(r.stderr.contains("environment variable SMTP_MASTER_SECRET is not set (needed by SMTP login of anna@acme-mail.de, "), "\(r.stderr)")
        #expect(try f.snapshot() == before)
    }

    @Test func sendReadsTheInventoryDirectoryByDefault() throws {
        let f = try Fixture(); defer { f.remove() }
        try refuses(f, ["send", "--exit-when-idle", "--state", f.state], "inventory:1:1: inventory: no such directory")
    }

    /// A display name no header can carry is refused when the fleet is loaded,
    /// not as one rejected message per send.
    @Test func anUnwritableDisplayNameIsRefusedAtLoad() throws {
        let f = try Fixture(); defer { f.remove() }
        let fleet = """
            {"groups":[{"name":"us-outreach","hourlyCap":10,"pause":{"lower":0,"upper":0}}],
             "mailboxes":[{"address":"alice@acme-mail.com","displayName":"Alice\\r\\nBcc: evil@example.com","group":"us-outreach",
                           "role":"active","dailyMax":10,"interval":{"lower":0,"upper":0},"warmup":[]}],
             "thresholds":{"disableBounceRate":0.1,"minimumSample":20,"windowDays":7,"healthyBounceRate":0.05,"healthyComplaintRate":0.003},
             "unsubscribe":{"baseURL":"https://u.example.org/u","secret":"env:U"}}
            """
        try f.write("fleet.json", fleet)
        try refuses(f, ["send", "--exit-when-idle", "--fleet", f.dir + "/fleet.json", "--state", f.state], environment: ["U": "x"],
                    "mailbox alice@acme-mail.com: no From header can be written with it: holds U+000D (CR) at position 6")
    }
}

extension EnqueueCommandTests.Fixture {
    /// The repository's inventory copied to `name`, with `fleet.yaml` edited.
    func inventory(_ name: String, editFleet: (String) -> String) throws -> String {
        let target = dir + "/" + name
        try FileManager.default.copyItem(atPath: SendingCommandTests.inventory, toPath: target)
        let fleet = try String(contentsOfFile: target + "/fleet.yaml", encoding: .utf8)
        try editFleet(fleet).write(toFile: target + "/fleet.yaml", atomically: true, encoding: .utf8)
        return target
    }

    /// Every message, reservation count and event: what a refusal must not change.
    func snapshot() throws -> [String] {
        let store = SQLiteSendingStore(try StateStore(path: state))
        return try store.messages(state: nil).map { "\($0.row) \($0.email) \($0.step) \($0.state) \($0.mailbox ?? "-")" }
            + ["reservations \(try store.allReservations().count)", "events \(try store.events(kind: nil).count)",
               "health \(try store.mailboxHealth().count)"]
    }

    func run(_ args: [String], environment: [String: String]? = nil) throws -> CLIRunner.Output {
        try CLIRunner.run(CLIRunner.binary, args, cwd: dir, environment: environment)
    }
}
