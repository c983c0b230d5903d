import Foundation
import Store
import Testing

/// `reconcile enqueue` run as the operator runs it, with hostile inputs
/// (issue #19 finding 3, #10, #18): each must exit 1 with a located message
/// and leave the state file's queue exactly as it was.
@Suite struct EnqueueCommandTests {
    static let inventory = CLIRunner.repositoryRoot + "/inventory"
    static let campaign = """
        campaign: spring-intro
        stop_on: [reply, bounce]
        steps:
          - subject: "Quick question, {{first_name}}"
            text: "Hi {{first_name}}"
          - delay: 3d
            subject: "Re: Quick question"
            text: "Following up."
        """

    /// A temporary directory with a campaign, a state file holding two
    /// enrolled recipients, and a way to run `enqueue` against them.
    struct Fixture {
        let dir: String
        var state: String { dir + "/state.sqlite" }

        init() throws {
            dir = try CLIRunner.temporaryDirectory()
            try write("campaign.yaml", EnqueueCommandTests.campaign)
            try write("first.csv", "email,first_name\nann@example.net,Ann\nbob@example.net,Bob\n")
            let r = try enqueue(recipients: "first.csv")
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout == "campaign spring-intro → group us-outreach: 2 enrolled, 0 duplicate rows merged, 0 suppressed skipped, 0 already enrolled\n")
        }

        func write(_ name: String, _ text: String) throws { try write(name, Data(text.utf8)) }
        func write(_ name: String, _ bytes: Data) throws {
            FileManager.default.createFile(atPath: dir + "/" + name, contents: bytes)
        }

        func enqueue(campaign: String = "campaign.yaml", recipients: String, group: String = "us-outreach",
                     inventory: String = EnqueueCommandTests.inventory) throws -> CLIRunner.Output {
            try CLIRunner.reconcile(["enqueue", "--campaign", campaign, "--recipients", recipients, "--group", group,
                                     "--inventory", inventory, "--state", state], cwd: dir)
        }

        /// Every outbox row with its enrollment's variables, and the campaign definition.
        func queue() throws -> [String] {
            let store = SQLiteSendingStore(try StateStore(path: state))
            var out = try store.messages(state: nil).map { m in
                let vars = try store.messageRecord(row: m.row)?.variables ?? [:]
                return "\(m.row) \(m.campaign) \(m.email) \(m.step) \(m.state) \(m.timeZone ?? "-") \(vars.sorted { $0.key < $1.key })"
            }
            out.append(try store.campaign(id: "spring-intro")?.definition ?? "no campaign")
            return out
        }

        func remove() { try? FileManager.default.removeItem(atPath: dir) }
    }

    /// Runs `enqueue` on `recipients`, expects exit 1 with `message` on stderr and the queue untouched.
    func refuses(_ f: Fixture, recipients: String = "r.csv", campaign: String = "campaign.yaml", group: String = "us-outreach",
                 inventory: String = inventory, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try f.queue()
        #expect(before.count == 3, sourceLocation: sourceLocation)
        let r = try f.enqueue(campaign: campaign, recipients: recipients, group: group, inventory: inventory)
        #expect(r.status == 1, sourceLocation: sourceLocation)
        #expect(r.stdout == "", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(message), "\(r.stderr)", sourceLocation: sourceLocation)
        // Nothing an operator's terminal would interpret.
        #expect(!r.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, sourceLocation: sourceLocation)
        #expect(try f.queue() == before, sourceLocation: sourceLocation)
    }

    @Test func nulInAnAddressIsRefusedNotTruncated() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("r.csv", "email,first_name\ncy@example.net,Cy\na\u{0}b@example.net,Ann\n")
        try refuses(f, "error: r.csv:3: email: 'a\\u{0}b@example.net' contains a NUL byte")
    }

    @Test func escapeInALocalPartIsRefused() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("r.csv", "email,first_name\na\u{1B}[2Jb@example.net,Ann\n")
        try refuses(f, "error: r.csv:2: email: 'a\\u{1B}[2Jb@example.net' contains the control character U+001B")
    }

    @Test func nonASCIILocalPartIsRefusedAtEnqueueNotAtRCPT() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("r.csv", "email,first_name\nzoë@example.net,Zoë\n")
        try refuses(f, "error: r.csv:2: email: 'zoë@example.net' has a non-ASCII local part; refused because the SMTP transport does not offer SMTPUTF8")
    }

    @Test func quotedLocalPartIsRefused() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("r.csv", "email,first_name\n\"\"\"ann\"\"@example.net\",Ann\n")
        try refuses(f, "error: r.csv:2: email: '\"ann\"@example.net' has a quoted local part; quoted local parts are refused")
    }

    @Test func campaignNameWithCRLFIsRefusedAtItsLine() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("evil.yaml", EnqueueCommandTests.campaign.replacingOccurrences(of: "spring-intro", with: "\"spring\\r\\nBcc: x@evil.net\""))
        try f.write("r.csv", "email\ncy@example.net\n")
        try refuses(f, campaign: "evil.yaml",
                    "evil.yaml:1:11: campaign: control character U+000D (CR) at character 7")
    }

    @Test func unknownCampaignKeyIsAnErrorWithASuggestion() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("typo.yaml", EnqueueCommandTests.campaign.replacingOccurrences(of: "stop_on:", with: "stopon:"))
        try f.write("r.csv", "email\ncy@example.net\n")
        try refuses(f, campaign: "typo.yaml", "typo.yaml:2:1: stopon: unknown key 'stopon' (did you mean 'stop_on'?)")
    }

    @Test func brokenOrMissingInventoryFailsLoudly() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("r.csv", "email\ncy@example.net\n")
        let broken = f.dir + "/inventory"
        try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
        try f.write("inventory/fleet.yaml", "accounts: [oops\n")
        try refuses(f, inventory: broken, "inventory/fleet.yaml:2:1: file: YAML syntax:")
        try refuses(f, inventory: f.dir + "/nowhere", "nowhere:1:1: inventory: no such directory")
    }

    @Test func unknownGroupIsAnError() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("r.csv", "email\ncy@example.net\n")
        try refuses(f, group: "nope", "error: --group: group: no sending group 'nope' (known: eu-outreach, us-outreach)")
    }

    @Test func recipientsFileWithoutRowsIsAnError() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("r.csv", "email,first_name\n")
        try refuses(f, "error: r.csv:1: recipients: no recipients: the file has a header but no rows")
    }

    @Test func aBadRowAtTheEndOfALargeFileLeavesNothingWritten() throws {
        let f = try Fixture(); defer { f.remove() }
        var csv = "email,first_name\n"
        csv.reserveCapacity(3_000_000)
        for i in 0..<100_000 { csv += "r\(i)@example.net,R\(i)\n" }
        try f.write("r.csv", csv + "last@example.net\n")
        try refuses(f, "error: r.csv:100002: row: has 1 columns, the header has 2")
    }
}
