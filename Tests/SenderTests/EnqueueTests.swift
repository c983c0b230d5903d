import Foundation
import Providers
import Sender
import Store
import Testing

@Suite struct EnqueueTests {
    let campaignYAML = """
        campaign: spring-intro
        window: { hours: "09:00-17:00", days: [mon, tue, wed, thu, fri], timezone: Europe/Berlin }
        stop_on: [reply, bounce]
        steps:
          - subject: "Quick question, {{first_name}}"
            text: |
              Hi {{first_name}},
              a short note.
            html: "<p>Hi {{first_name}}</p>"
          - delay: 3d
            subject: "Re: Quick question, {{first_name}}"
            text: "Following up, {{first_name}}."
        """

    func temporaryDirectory() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("enqueue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    func write(_ dir: URL, _ name: String, _ text: String) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    @Test func campaignParsesStepsWindowAndStops() throws {
        let c = try CampaignLoader.parse(campaignYAML, file: "c.yaml")
        #expect(c.id == "spring-intro")
        #expect(c.steps.count == 2)
        #expect(c.steps[1].delay == 3 * 86_400)
        #expect(c.steps[0].html == "<p>Hi {{first_name}}</p>")
        #expect(c.window == WeeklyWindow(startMinute: 540, endMinute: 1020, weekdays: [2, 3, 4, 5, 6]))
        #expect(c.defaultTimeZone == "Europe/Berlin")
        #expect(c.stopOnReply && c.stopOnBounce)
    }

    @Test func campaignErrorsAreLocatedAndAllReportedAtOnce() throws {
        let bad = """
            campaign: x
            window: { hours: "9am-17:00", timezone: Mars/Base }
            steps:
              - subject: "Hi {{#first_name}}"
                text: "ok"
              - subject: "second"
                text: "no delay"
            stopon: [reply]
            """
        let e = try #require(throws: SenderError.self) { try CampaignLoader.parse(bad, file: "c.yaml") }
        let lines = e.description.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0] == "c.yaml:2:18: window.hours: '9am-17:00' is not an hour range: write HH:MM-HH:MM, e.g. 09:00-17:00")
        #expect(lines[1] == "c.yaml:2:41: window.timezone: 'Mars/Base' is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)")
        #expect(lines[2] == "c.yaml:4:14: steps[0].subject: invalid Mustache template at line 1, character 4: section 'first_name' is never closed (write {{/first_name}})")
        #expect(lines[3] == "c.yaml:6:5: steps[1].delay: later steps need a delay")
        #expect(lines[4] == "c.yaml:8:1: stopon: unknown key 'stopon' (did you mean 'stop_on'?)")

        let missing = try #require(throws: SenderError.self) { try CampaignLoader.parse("campaign: x\nsteps:\n  - subject: s\n", file: "m.yaml") }
        #expect(missing.description == "m.yaml:3:5: steps[0].text: missing required key 'text'")
        let syntax = try #require(throws: SenderError.self) { try CampaignLoader.parse("campaign: [x\n", file: "s.yaml") }
        #expect(syntax.description.hasPrefix("s.yaml:2:1: file: YAML syntax:"))
    }

    @Test func campaignNamesAreIdentifiers() throws {
        for (name, ok) in [("spring-intro.v2_b", true), ("\"a\\r\\nBcc: x@evil.net\"", false), ("\"-x\"", false),
                           ("\"" + String(repeating: "a", count: 65) + "\"", false), ("\"späť\"", false), ("\"a b\"", false)] {
            let yaml = "campaign: \(name)\nsteps:\n  - subject: s\n    text: t\n"
            if ok {
                #expect(try CampaignLoader.parse(yaml, file: "c.yaml").id == "spring-intro.v2_b")
            } else {
                let e = try #require(throws: SenderError.self) { try CampaignLoader.parse(yaml, file: "c.yaml") }
                #expect(e.description.hasPrefix("c.yaml:1:11: campaign: "), "\(name)")
                #expect(!e.description.contains("\r") && !e.description.contains("\u{1B}"))
            }
        }
    }

    // MARK: - addresses

    @Test func addressesFollowRFC5321AndRefuseControlsQuotesAndNonASCII() throws {
        let refused: [(String, String)] = [
            ("a\u{0}b@example.net", "contains a NUL byte"),
            ("a\u{1B}[31mb@example.net", "contains the control character U+001B"),
            ("ann@exa\u{7F}mple.net", "contains the control character U+007F"),
            ("ann@example.net\r\nBcc: x@y.z", "contains the control character U+000D"),
            ("zoë@example.net", "non-ASCII local part; refused because the SMTP transport does not offer SMTPUTF8"),
            ("ann@bücher.de", "non-ASCII domain; write its xn-- (IDNA) form"),
            ("ann\u{202E}@example.net", "contains the control character U+202E"),
            ("\"ann\"@example.net", "quoted local part"),
            ("a\\b@example.net", "quoted local part"),
            ("ann", "is not an email address"),
            ("a@b@example.net", "is not an email address"),
            ("@example.net", "is not an email address"),
            (".ann@example.net", "starting or ending with a dot"),
            ("a..nn@example.net", "two dots in a row"),
            ("a<b>@example.net", "has '<' in its local part"),
            ("a,b@example.net", "has ',' in its local part"),
            ("ann@[192.0.2.1]", "address literal"),
            ("ann@localhost", "needs a domain with a top-level label"),
            ("ann@example.123", "needs a domain with a top-level label"),
            ("ann@-example.net", "has an invalid domain"),
            ("ann@exa_mple.net", "has an invalid domain"),
            ("ann@example..net", "has an invalid domain"),
            (String(repeating: "a", count: 65) + "@example.net", "the local part is 65 octets; the limit is 64"),
            (String(repeating: "a", count: 10) + "@" + String(repeating: "b", count: 60) + "." + String(repeating: "c", count: 60) + "."
                + String(repeating: "d", count: 60) + "." + String(repeating: "e", count: 60) + ".net", "the address is 258 octets; the limit is 254"),
        ]
        for (text, message) in refused {
            let e = try #require(throws: EmailAddress.Problem.self, "\(text)") { try EmailAddress(validating: text) }
            #expect(e.message.contains(message), "\(text): \(e.message)")
            #expect(!e.message.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(text)")
        }
        #expect(try EmailAddress(validating: "  Ann.O'Neil+tag@Example.NET\t").normalized == "ann.o'neil+tag@example.net")
        #expect(try EmailAddress(validating: "x!#$%&*/=?^_`{|}~-@sub.example-mail.co.uk").normalized == "x!#$%&*/=?^_`{|}~-@sub.example-mail.co.uk")
        #expect(try EmailAddress(validating: "ann@xn--bcher-kva.de").normalized == "ann@xn--bcher-kva.de")
        #expect(EmailAddress.normalize(" Ann@Example.NET ") == "ann@example.net")
    }

    @Test func suppressionMatchesTheNormalisedAddressInBothStores() throws {
        let (sqlite, dir) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = Campaign(id: "c", steps: [CampaignStep(subject: "s", text: "t")])
        for store in [sqlite as any SendingStore, MemorySendingStore()] {
            try store.suppress(email: " Ann@Example.NET ", reason: "unsubscribe", source: nil, at: 1)
            let r = try store.enqueue(campaign: c.record(group: "g1"),
                                      recipients: [Enrollment(email: "ann@example.net", timeZone: nil, variables: [:]),
                                                   Enrollment(email: "ANN@example.net", timeZone: nil, variables: [:])], now: monday)
            #expect(r.suppressed == 2)
            #expect(r.enrolled == 0)
            #expect(try store.suppressedEmails() == ["ann@example.net"])
        }
    }

    // MARK: - recipients

    func readAll(_ path: String) throws -> [Enrollment] {
        var out: [Enrollment] = []
        try RecipientsCSV.read(path: path) { out.append($0) }
        return out
    }

    @Test func recipientErrorsAreRowNumberedAndComplete() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = try write(dir, "r.csv", "email,time_zone,first_name\nok@example.net,Europe/Paris,Ann\nnot-an-address,,Bob\n"
                                + "x@example.net,Mars/Base,Cy\n\"multi\nline\"@example.net,,Dee\ny@example.net,UTC\n")
        let e = try #require(throws: SenderError.self) { try readAll(csv) }
        #expect(e.description == """
            \(csv):3: email: 'not-an-address' is not an email address (expected local@domain)
            \(csv):4: time_zone: unknown IANA time zone 'Mars/Base'
            \(csv):5: email: 'multi\\u{A}line@example.net' contains the control character U+000A
            \(csv):7: row: has 2 columns, the header has 3
            """)
    }

    @Test func recipientFilesWithoutRowsOrWithBrokenBytesAreRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(String, [UInt8], String)] = [
            ("empty.csv", [], "empty.csv:1: header: the file is empty"),
            ("header.csv", Array("email,first_name\n\n".utf8), "header.csv:1: recipients: no recipients: the file has a header but no rows"),
            ("noemail.csv", Array("mail,first_name\na@example.net,A\n".utf8), "noemail.csv:1: header: no 'email' column"),
            ("twice.csv", Array("email,Email\na@example.net,A\n".utf8), "twice.csv:1: header: column 'email' appears twice"),
            ("utf8.csv", Array("email,first_name\na@example.net,".utf8) + [0xC3, 0x28] + Array("\n".utf8), "utf8.csv:2: first_name: is not UTF-8 text"),
            ("quote.csv", Array("email\n\"a@example.net\n".utf8), "quote.csv:2: row: unterminated quoted field"),
        ]
        for (name, bytes, message) in cases {
            let path = dir.appendingPathComponent(name).path
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            let e = try #require(throws: SenderError.self, "\(name)") { try readAll(path) }
            #expect(e.description == dir.path + "/" + message)
        }
        let missing = try #require(throws: SenderError.self) { try readAll(dir.path + "/nope.csv") }
        #expect(missing.description.hasPrefix(dir.path + "/nope.csv: recipients: cannot read: No such file"))
    }

    @Test func csvReadsCRLFBOMAndQuotedFieldsAcrossChunks() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Long quoted fields push records across the reader's 64 KiB chunks.
        let long = String(repeating: "x", count: 40_000)
        var text = "\u{FEFF}email,note\r\n"
        for i in 0..<6 { text += "r\(i)@example.net,\"\(long) \"\"\(i)\"\", ok\"\r\n" }
        text += "\r\nlast@example.net,\"two\r\nlines\"\rbad,x\n"
        let path = try write(dir, "r.csv", text)
        let e = try #require(throws: SenderError.self) { try readAll(path) }
        // Line numbers count CRLF once, a lone CR once, and lines inside quotes.
        #expect(e.description == "\(path):11: email: 'bad' is not an email address (expected local@domain)")
        let ok = try write(dir, "ok.csv", String(text.dropLast(7)))
        let rows = try readAll(ok)
        #expect(rows.count == 7)
        #expect(rows[5].variables["note"] == "\(long) \"5\", ok")
        #expect(rows[6].variables == ["email": "last@example.net", "note": "two\r\nlines"])
    }

    @Test func duplicatesMergeIntoTheFirstRowInBothStores() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = try write(dir, "r.csv", "email,time_zone,first_name,company\nA@Example.net,,,\"Acme, Inc.\"\n"
                                + "a@example.net,Europe/Paris,Ann,Other\nb@example.net,,\"Bo \"\"B\"\"\",\n")
        let (sqlite, sdir) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: sdir) }
        let c = try CampaignLoader.parse(campaignYAML, file: "c.yaml")
        for store in [sqlite as any SendingStore, MemorySendingStore()] {
            // Enrolled before: a later file naming it again does not merge into it.
            _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: [Enrollment(email: "b@example.net", timeZone: nil, variables: [:])], now: monday)
            let r = try store.enqueue(campaign: c.record(group: "g1"), now: monday) { add in try RecipientsCSV.read(path: csv, add) }
            #expect(r.enrolled == 1)
            #expect(r.duplicatesMerged == 1)
            #expect(r.alreadyEnrolled == 1)
            let first = try #require(try store.messages(state: nil).first { $0.email == "a@example.net" })
            #expect(first.timeZone == "Europe/Paris")
            let record = try #require(try store.messageRecord(row: first.row))
            #expect(record.variables == ["email": "a@example.net", "first_name": "Ann", "company": "Acme, Inc."])
        }
    }

    @Test func aBadRowAnywhereLeavesNothingWrittenInBothStores() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var text = "email,first_name\n"
        for i in 0..<5_000 { text += "r\(i)@example.net,R\(i)\n" }
        let csv = try write(dir, "r.csv", text + "r@exa mple.net,Bad\n")
        let (sqlite, sdir) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: sdir) }
        let c = try CampaignLoader.parse(campaignYAML, file: "c.yaml")
        for store in [sqlite as any SendingStore, MemorySendingStore()] {
            _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: recipients(2), now: monday)
            let before = try store.messages(state: nil)
            let e = try #require(throws: SenderError.self) {
                try store.enqueue(campaign: c.record(group: "g1"), now: monday) { add in try RecipientsCSV.read(path: csv, add) }
            }
            #expect(e.description.hasPrefix("\(csv):5002: email: 'r@exa mple.net'"))
            #expect(try store.messages(state: nil) == before)
        }
    }

    @Test func enqueueSkipsSuppressedCountsAndKeepsQueueOnBadFile() throws {
        let (store, dir) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fleet = makeFleet()
        let c = try write(dir, "c.yaml", campaignYAML)
        let good = try write(dir, "good.csv", "email,first_name\na@example.net,Ann\nb@example.net,Bob\nA@example.net,Annie\nout@example.net,Out\n")
        try store.suppress(email: "out@example.net", reason: "unsubscribe", source: nil, at: 1)
        let s = try Enqueuer.enqueue(campaignPath: c, recipientsPath: good, group: "g1", fleet: fleet, store: store, now: monday)
        #expect(s.report.enrolled == 2)
        #expect(s.duplicatesMerged == 1)
        #expect(s.report.suppressed == 1)
        #expect(try store.pendingMessages().map(\.email).sorted() == ["a@example.net", "b@example.net"])

        let bad = try write(dir, "bad.csv", "email,first_name\nc@example.net,Cy\nbroken,Zed\n")
        #expect(throws: SenderError.self) {
            try Enqueuer.enqueue(campaignPath: c, recipientsPath: bad, group: "g1", fleet: fleet, store: store, now: monday)
        }
        #expect(throws: SenderError.self) {
            try Enqueuer.enqueue(campaignPath: c, recipientsPath: good, group: "nope", fleet: fleet, store: store, now: monday)
        }
        // Nothing from the bad file, nothing lost from before.
        #expect(try store.pendingMessages().map(\.email).sorted() == ["a@example.net", "b@example.net"])

        let again = try Enqueuer.enqueue(campaignPath: c, recipientsPath: good, group: "g1", fleet: fleet, store: store, now: monday)
        #expect(again.report.enrolled == 0)
        // Rows are counted: the repeated A@example.net is already enrolled too.
        #expect(again.report.alreadyEnrolled == 3)
        #expect(try store.pendingMessages().count == 2)
    }

    /// Issue #18: a campaign without a window follows its group's window as
    /// the inventory says it *now*, at send time; nothing was frozen at enqueue.
    @Test func anInheritedWindowIsTheGroupsCurrentOneAtSendTime() async throws {
        let (store, dir) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let yaml = try write(dir, "c.yaml", "campaign: follows\nsteps:\n  - subject: Hi\n    text: Hello\n")
        let csv = try write(dir, "r.csv", "email\nann@example.net\n")
        var fleet = makeFleet(groups: 1, mailboxesPerGroup: 1, pause: SecondsRange(0, 0), interval: SecondsRange(0, 0))
        // Enqueued while the group sends around the clock…
        _ = try Enqueuer.enqueue(campaignPath: yaml, recipientsPath: csv, group: "g1", fleet: fleet, store: store, now: monday)
        // …then the inventory narrows the window to 09:00–17:00 Berlin (08:00 UTC on this Monday).
        fleet.groups[0].window = WeeklyWindow(startMinute: 540, endMinute: 1020, weekdays: [2, 3, 4, 5, 6])
        fleet.groups[0].windowTimeZone = "Europe/Berlin"
        let engine = try SendEngine(fleet: fleet, store: store, transport: AcceptingTransport(), clock: VirtualClock(start: monday),
                                    random: SeededRandom(seed: 1), builder: testBuilder)
        try await engine.run(until: monday + 7 * 3_600)
        #expect(try store.messages(state: .accepted).isEmpty)
        try await engine.run(until: monday + 9 * 3_600)
        let sent = try store.allReservations()
        #expect(sent.count == 1)
        #expect(sent.allSatisfy { $0.at >= monday + 8 * 3_600 })
    }
}
