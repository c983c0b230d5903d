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

    /// The fixture's campaign under `name` with another first-step text.
    static func campaign(named name: String, firstText: String) -> String {
        campaign.replacingOccurrences(of: "campaign: spring-intro", with: "campaign: \(name)")
            .replacingOccurrences(of: "text: \"Hi {{first_name}}\"", with: "text: \"\(firstText)\"")
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
        try f.write("r.csv", "email,first_name\ncy@example.net,Cy\n")
        try refuses(f, campaign: "evil.yaml",
                    "evil.yaml:1:11: campaign: control character U+000D (CR) at character 7")
    }

    @Test func unknownCampaignKeyIsAnErrorWithASuggestion() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("typo.yaml", EnqueueCommandTests.campaign.replacingOccurrences(of: "stop_on:", with: "stopon:"))
        try f.write("r.csv", "email,first_name\ncy@example.net,Cy\n")
        try refuses(f, campaign: "typo.yaml", "typo.yaml:2:1: stopon: unknown key 'stopon' (did you mean 'stop_on'?)")
    }

    @Test func brokenOrMissingInventoryFailsLoudly() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("r.csv", "email,first_name\ncy@example.net,Cy\n")
        let broken = f.dir + "/inventory"
        try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
        try f.write("inventory/fleet.yaml", "accounts: [oops\n")
        try refuses(f, inventory: broken, "inventory/fleet.yaml:2:1: file: YAML syntax:")
        try refuses(f, inventory: f.dir + "/nowhere", "nowhere:1:1: inventory: no such directory")
    }

    @Test func unknownGroupIsAnError() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("r.csv", "email,first_name\ncy@example.net,Cy\n")
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

    // MARK: - issue #18: campaign files and enqueue reject what they do not understand

    @Test func unknownKeysAnywhereInACampaignAreErrors() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("typo.yaml", """
            campaign: spring-intro
            windw: { hours: "09:00-17:00" }
            steps:
              - subject: "Quick question, {{first_name}}"
                text: "Hi {{first_name}}"
                dealy: 3d
            """)
        try f.write("r.csv", "email,first_name\ncy@example.net,Cy\n")
        try refuses(f, campaign: "typo.yaml", "typo.yaml:2:1: windw: unknown key 'windw' (did you mean 'window'?)")
        try refuses(f, campaign: "typo.yaml", "typo.yaml:6:5: steps[0].dealy: unknown key 'dealy' (did you mean 'delay'?)")
        try f.write("day.yaml", EnqueueCommandTests.campaign.replacingOccurrences(of: "stop_on: [reply, bounce]",
                                                                                  with: "window: { hours: \"09:00-17:00\", day: [mon] }"))
        try refuses(f, campaign: "day.yaml", "day.yaml:2:33: window.day: unknown key 'day' (did you mean 'days'?)")
    }

    /// One spelling: `limits.window`'s keys; days default to mon–fri and the
    /// zone to the group's; the old `from`/`to`/`time_zone` are unknown keys.
    @Test func aCampaignWindowIsSpelledLikeTheInventorysWithItsDefaults() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("r.csv", "email,first_name\ncy@example.net,Cy\n")
        try f.write("old.yaml", EnqueueCommandTests.campaign.replacingOccurrences(
            of: "campaign: spring-intro", with: "campaign: spring-intro\nwindow: { from: \"09:00\", to: \"17:00\", time_zone: Europe/Berlin }"))
        try refuses(f, campaign: "old.yaml", "old.yaml:2:11: window.from: unknown key 'from'")

        try f.write("new.yaml", EnqueueCommandTests.campaign.replacingOccurrences(
            of: "campaign: spring-intro", with: "campaign: windowed\nwindow: { hours: \"09:00-17:00\" }"))
        let r = try f.enqueue(campaign: "new.yaml", recipients: "r.csv")
        #expect(r.status == 0, "\(r.stderr)")
        let stored = try #require(try SQLiteSendingStore(try StateStore(path: f.state)).campaign(id: "windowed")?.definition)
        // Monday–Friday (Calendar weekdays 2…6), 09:00–17:00, the zone left to the group.
        #expect(stored.contains("\"window\":{\"endMinute\":1020,\"startMinute\":540,\"weekdays\":[2,3,4,5,6]}"), "\(stored)")
        #expect(stored.contains("\"inheritsTimeZone\":true"), "\(stored)")
        try f.write("tz.yaml", EnqueueCommandTests.campaign.replacingOccurrences(
            of: "campaign: spring-intro", with: "campaign: zoned\nwindow: { hours: \"09:00-17:00\", timezone: Europe/Berlin }"))
        #expect(try f.enqueue(campaign: "tz.yaml", recipients: "r.csv").status == 0)
        let zoned = try #require(try SQLiteSendingStore(try StateStore(path: f.state)).campaign(id: "zoned")?.definition)
        #expect(zoned.contains("\"defaultTimeZone\":\"Europe") && !zoned.contains("inheritsTimeZone"), "\(zoned)")
    }

    /// Without a window the campaign follows its group's window at send time: nothing is frozen at enqueue.
    @Test func aCampaignWithoutAWindowIsNotFrozenAtEnqueue() throws {
        let f = try Fixture(); defer { f.remove() }
        let stored = try #require(try SQLiteSendingStore(try StateStore(path: f.state)).campaign(id: "spring-intro")?.definition)
        #expect(stored.contains("\"inheritsWindow\":true"))
        #expect(stored.contains("\"window\":{\"endMinute\":1440,\"startMinute\":0"), "\(stored)")
    }

    @Test func unknownTemplateVariablesAreNamedWithTheColumns() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("vars.yaml", Self.campaign(named: "spring-intro", firstText: "Hi {{first_name}} {{last_name}}, how is {{compnay}}?"))
        try f.write("r.csv", "email,time_zone,first_name,company\ncy@example.net,,Cy,Acme\n")
        try refuses(f, campaign: "vars.yaml", "vars.yaml:5: steps[0].text: unknown variable 'last_name' (columns: email, time_zone, first_name, company)")
        try refuses(f, campaign: "vars.yaml", "vars.yaml:5: steps[0].text: unknown variable 'compnay' (columns: email, time_zone, first_name, company)")
    }

    @Test func anEmptyColumnNeedsADefault() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("co.yaml", Self.campaign(named: "co", firstText: "Hi {{first_name}}, how is {{company}}?"))
        try f.write("r.csv", "email,first_name,company\ncy@example.net,Cy,Acme\ndee@example.net,Dee,\n")
        try refuses(f, campaign: "co.yaml", "r.csv:3: company: empty, but steps[0].text uses {{company}} without a default")
        // With a default (an inverted section) the empty row goes in.
        try f.write("co.yaml", Self.campaign(named: "co", firstText: "Hi {{first_name}}, how is {{company}}{{^company}}your team{{/company}}?"))
        let r = try f.enqueue(campaign: "co.yaml", recipients: "r.csv")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2 enrolled"))
    }

    @Test func brokenTemplatesAndDecodeErrorsReadInWords() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("r.csv", "email,first_name\ncy@example.net,Cy\n")
        try f.write("m.yaml", EnqueueCommandTests.campaign.replacingOccurrences(of: "\"Hi {{first_name}}\"", with: "\"Hi {{first_name}\""))
        try refuses(f, campaign: "m.yaml", "m.yaml:5:11: steps[0].text: invalid Mustache template at line 1, character 4: '{{' is never closed by '}}'")
        try f.write("s.yaml", EnqueueCommandTests.campaign.replacingOccurrences(of: "\"Hi {{first_name}}\"", with: "\"{{#first_name}}Hi{{/name}}\""))
        try refuses(f, campaign: "s.yaml", "steps[0].text: invalid Mustache template at line 1, character 18: '{{/name}}' closes 'first_name', opened at line 1, character 1")
        try f.write("d.yaml", "campaign: spring-intro\nsteps: hello\nstop_on: reply\n")
        let before = try f.queue()
        let r = try f.enqueue(campaign: "d.yaml", recipients: "r.csv")
        #expect(r.status == 1)
        #expect(r.stderr.contains("d.yaml:2:8: steps: expected a list of steps"), "\(r.stderr)")
        #expect(r.stderr.contains("d.yaml:3:10: stop_on: expected a list of stop conditions"), "\(r.stderr)")
        #expect(!r.stderr.contains("Expected to decode"))
        #expect(try f.queue() == before)
    }

    @Test func enqueueNeedsAValidNonEmptyInventory() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("r.csv", "email,first_name\ncy@example.net,Cy\n")
        let empty = f.dir + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try refuses(f, inventory: empty, "empty:1:1: inventory: no *.yaml files in the directory")
        // Without --inventory the default ./inventory is read (here: there is none).
        let before = try f.queue()
        let r = try CLIRunner.reconcile(["enqueue", "--campaign", "campaign.yaml", "--recipients", "r.csv", "--group", "us-outreach",
                                         "--state", f.state], cwd: f.dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("inventory:1:1: inventory: no such directory"), "\(r.stderr)")
        #expect(try f.queue() == before)
    }

    @Test func aChangedCampaignUnderItsOldNameNeedsReplace() throws {
        let f = try Fixture(); defer { f.remove() }
        try f.write("r.csv", "email,first_name\ncy@example.net,Cy\n")
        try f.write("v2.yaml", EnqueueCommandTests.campaign.replacingOccurrences(of: "text: \"Following up.\"", with: "text: \"Following up again.\""))
        try refuses(f, campaign: "v2.yaml", "error: v2.yaml: campaign: campaign 'spring-intro' is already queued and this file changes steps[1].text; "
                    + "0 recipients are mid-sequence. Pass --replace")
        // The same file again is not a change: more recipients join.
        #expect(try f.enqueue(recipients: "r.csv").status == 0)
        let r = try CLIRunner.reconcile(["enqueue", "--campaign", "v2.yaml", "--recipients", "r.csv", "--group", "us-outreach",
                                         "--inventory", EnqueueCommandTests.inventory, "--state", f.state, "--replace"], cwd: f.dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try f.queue().last?.contains("Following up again.") == true)
    }
}
