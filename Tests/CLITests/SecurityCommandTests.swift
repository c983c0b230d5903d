import Foundation
import Glibc
import Providers
import Store
import Testing

/// Issue #19's file, inventory and at-rest findings, each through the binary
/// with the hostile input.
@Suite(.serialized) struct SecurityCommandTests {
    static let fixtures = CLIRunner.repositoryRoot + "/Tests/InventoryTests/Fixtures"

    /// A copy of the repository's inventory in a fresh directory (`<dir>/inventory`).
    func workspace() throws -> String {
        let dir = try CLIRunner.temporaryDirectory()
        try FileManager.default.copyItem(atPath: CLIRunner.repositoryRoot + "/inventory", toPath: dir + "/inventory")
        return dir
    }

    /// The binary under `umask 022` (the usual default), with `environment`.
    func reconcile(_ args: [String], cwd: String, environment: [String: String]? = nil) async throws -> CLIRunner.Output {
        try await CLIRunner.runAsync("/bin/sh", ["-c", "umask 022 && exec \"$0\" \"$@\"", CLIRunner.binary] + args,
                                     cwd: cwd, environment: environment)
    }

    func mode(_ path: String) -> mode_t? {
        var st = stat()
        return stat(path, &st) == 0 ? st.st_mode & 0o777 : nil
    }

    @Test func validateRefusesLinksOutsideLoopsAndSparseTargets() async throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        try "leaked_canary_key: 1\nother_canary_key: 2\n".write(toFile: dir + "/outside.yaml", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: dir + "/inventory/groups/outside.yaml", withDestinationPath: dir + "/outside.yaml")
        for i in 1...3 { try fm.createSymbolicLink(atPath: dir + "/inventory/groups/s\(i)", withDestinationPath: ".") }
        let fd = open(dir + "/sparse", O_CREAT | O_WRONLY, 0o600)
        #expect(fd >= 0 && ftruncate(fd, 2 << 30) == 0)
        close(fd)
        try fm.createDirectory(atPath: dir + "/inventory/.big", withIntermediateDirectories: true)
        try fm.moveItem(atPath: dir + "/sparse", toPath: dir + "/inventory/.big/sparse")
        try fm.createSymbolicLink(atPath: dir + "/inventory/big.yaml", withDestinationPath: ".big/sparse")

        let r = try await reconcile(["validate", "--inventory", "inventory"], cwd: dir)
        #expect(r.status == 1)
        let loop = "symbolic link to groups, which is already read: loops and second readings are refused"
        #expect(r.stderr == """
        inventory/big.yaml:1:1: file: file is larger than 64 MiB
        inventory/groups/outside.yaml:1:1: file: symbolic link leads outside the inventory directory: refused (links may only point inside it)
        inventory/groups/s1:1:1: file: \(loop)
        inventory/groups/s2:1:1: file: \(loop)
        inventory/groups/s3:1:1: file: \(loop)
        5 errors

        """)
        #expect(!(r.stdout + r.stderr).contains("canary"))
    }

    @Test func validateRefusesControlCharactersWithTheirLocation() async throws {
        let r = try await reconcile(["validate", "--inventory", "control-characters"], cwd: Self.fixtures + "/malformed")
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("control-characters/groups/g1.yaml:9:39: domains[0].mailboxes[0].display_name: "
            + "control character U+001B (ESC) at character 7: inventory strings may not hold control characters, "
            + "line separators or bidirectional controls (they reach API calls and mail headers)"))
        // Nothing raw reaches the terminal.
        #expect(!r.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x0D || $0.value == 0x202E })
    }

    /// One sandbox apply under umask 022 with a production-looking master
    /// secret in the environment: nothing derived from it is stored, and
    /// every file written is private.
    @Test func sandboxNeverUsesTheEnvironmentsSecretsAndItsFilesArePrivate() async throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let canary = "PRODUCTION-master-secret-canary-5d1e"
        var env = ProcessInfo.processInfo.environment
        for name in ["SMTP_MASTER_SECRET", "UNSUBSCRIBE_SECRET", "MAILGUN_US_API_KEY", "ZOHO_CLIENT_SECRET", "TELEGRAM_BOT_TOKEN"] {
            env[name] = canary
        }
        let args = ["--sandbox", "--no-rate-limits", "--progress", "never"]
        let apply = try await reconcile(["--apply", "--auto-approve"] + args, cwd: dir, environment: env)
        #expect(apply.status == 0, "\(apply.stdout.suffix(1500))\n\(apply.stderr.suffix(1500))")
        let plan = try await reconcile(["--plan", "--out", "plans/p.json"] + args, cwd: dir, environment: env)
        #expect(plan.status == 0, "\(plan.stderr)")

        // Every password the real derivation would give from the canary.
        let deriver = SMTPPasswordDeriver(masterSecret: canary)
        let addresses = ["alice@acme-mail.com", "bob@acme-mail.com", "carol@acme-outreach.net", "dave@acme-outreach.net",
                         "lena@acmehq.eu", "erin@getacme.io", "max@try-acme.eu", "sofia@try-acme.eu"]
        var forbidden = [canary]
        for a in addresses {
            forbidden.append(deriver.password(for: a, version: SMTPPasswordDeriver.currentVersion))
            forbidden.append(deriver.password(for: "zoho-mailbox:\(a)", version: SMTPPasswordDeriver.currentVersion))
        }
        let home = dir + "/.reconcile/sandbox"
        // SQLite removes -wal and -shm when the last connection closes; when
        // left behind they are checked too (StoreFileModeTests sees them open).
        let files = ["world.json", "sandbox.key", "state.sqlite"].map { home + "/" + $0 } + [dir + "/plans/p.json"]
            + ["state.sqlite-wal", "state.sqlite-shm"].map { home + "/" + $0 }.filter { FileManager.default.fileExists(atPath: $0) }
        let world = try String(contentsOfFile: home + "/world.json", encoding: .utf8)
        #expect(world.contains("alice@acme-mail.com"), "the world holds the credentials the test looks into")
        for f in files {
            let bytes = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: f))) ?? Data(), as: UTF8.self)
            for secret in forbidden { #expect(!bytes.contains(secret), "\(f) holds a value derived from the environment") }
            #expect(mode(f) == 0o600, "\(f): mode \(String(mode(f) ?? 0, radix: 8))")
        }
        for d in [dir + "/.reconcile", home, dir + "/plans"] { #expect(mode(d) == 0o700, "\(d)") }
        #expect(!(apply.stdout + apply.stderr + plan.stdout + plan.stderr).contains(canary))
    }

    @Test func outNamingADirectoryOrAPathUnderAFileIsSaidInWords() async throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/plans", withIntermediateDirectories: true)
        try "{}".write(toFile: dir + "/x.json", atomically: true, encoding: .utf8)
        let args = ["--sandbox", "--no-rate-limits", "--progress", "never"]
        let directory = try await reconcile(["--plan", "--out", "plans/"] + args, cwd: dir)
        #expect(directory.status == 1)
        #expect(directory.stderr.contains("plans/: is a directory"), "\(directory.stderr)")
        let underFile = try await reconcile(["--plan", "--out", "x.json/plan.json"] + args, cwd: dir)
        #expect(underFile.status == 1)
        #expect(underFile.stderr.contains("x.json/plan.json: a parent is not a directory (x.json)"), "\(underFile.stderr)")
        for r in [directory, underFile] { #expect(!r.stderr.contains("NSCocoaErrorDomain")) }
    }

    @Test func forgetErasesTheAddressFromTheFileAndKeepsItSuppressed() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/state/state.sqlite"
        let campaign = CampaignRecord(id: "c1", group: "g1", definition: "{}", stepDelays: [0, 3600], stopOnReply: true, stopOnBounce: true)
        do {
            let store = SQLiteSendingStore(try StateStore(path: path))
            _ = try store.enqueue(campaign: campaign, recipients: [
                Enrollment(email: "ann.canary@example.net", timeZone: "Europe/Paris", variables: ["first_name": "Annwyn", "company": "Canary Widgets Ltd"]),
                Enrollment(email: "bob@example.net", timeZone: nil, variables: ["first_name": "Bob"]),
            ], now: 1_000)
            try store.record(event: SendingEvent(at: 1_001, kind: .reply, email: "ann.canary@example.net", detail: "reply from ann.canary@example.net"))
        }
        let r = try await reconcile(["forget", "Ann.Canary@example.net", "--state", path], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("forgot ann.canary@example.net: 1 enrollment (variables deleted), 1 message, 1 event now keyed by the hash; suppressed as sha256:"))
        #expect(r.stderr == "")

        for suffix in ["", "-wal", "-shm"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path + suffix))) ?? Data()
            for needle in ["ann.canary", "Annwyn", "Canary Widgets"] {
                #expect(bytes.range(of: Data(needle.utf8)) == nil, "\(needle) still in state.sqlite\(suffix)")
            }
        }
        #expect(mode(path) == 0o600 && mode(dir + "/state") == 0o700)

        // Enqueued again, the address is suppressed and never planned.
        let store = SQLiteSendingStore(try StateStore(path: path))
        let again = try store.enqueue(campaign: campaign, recipients: [Enrollment(email: "ann.canary@example.net", timeZone: nil, variables: [:])], now: 2_000)
        #expect(again.suppressed == 1 && again.enrolled == 0)
        #expect(try store.pendingMessages().map(\.email) == ["bob@example.net"])
    }

    /// Finding 7 through the binary: under umask 022, `enqueue` creates the
    /// state file (addresses and CSV columns) 0600 in a new 0700 directory.
    @Test func enqueueCreatesAPrivateStateUnderAPermissiveUmask() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try EnqueueCommandTests.campaign.write(toFile: dir + "/campaign.yaml", atomically: true, encoding: .utf8)
        try "email,first_name\nann.canary@example.net,Ann\n".write(toFile: dir + "/r.csv", atomically: true, encoding: .utf8)
        let path = dir + "/state/state.sqlite"
        let r = try await reconcile(["enqueue", "--campaign", "campaign.yaml", "--recipients", "r.csv", "--group", "us-outreach",
                                     "--inventory", CLIRunner.repositoryRoot + "/inventory", "--state", path], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("1 enrolled"))
        #expect(mode(path) == 0o600, "state.sqlite: mode \(String(mode(path) ?? 0, radix: 8))")
        #expect(mode(dir + "/state") == 0o700)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            #expect(mode(path + suffix) == 0o600, "state.sqlite\(suffix)")
        }
    }

    @Test func anExistingStateReadableByOthersIsWarnedAbout() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/state.sqlite"
        _ = try StateStore(path: path, warn: { _ in })
        #expect(chmod(path, 0o644) == 0)
        let r = try await reconcile(["forget", "x@example.net", "--state", path], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr == "warning: \(path) is accessible to other users (mode 0644) and holds credentials or recipient data: chmod 600 \(path)\n")
    }
}
