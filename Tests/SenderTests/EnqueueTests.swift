import Foundation
import Sender
import Store
import Testing

@Suite struct EnqueueTests {
    let campaignYAML = """
        campaign: spring-intro
        window: { from: "09:00", to: "17:00", days: [mon, tue, wed, thu, fri], time_zone: Europe/Berlin }
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

    @Test func campaignErrorsNameFileLineAndField() throws {
        let bad = """
            campaign: x
            window: { from: "9am", to: "17:00", time_zone: Mars/Base }
            steps:
              - subject: "Hi {{#first_name}}"
                text: "ok"
              - subject: "second"
                text: "no delay"
            """
        do {
            _ = try CampaignLoader.parse(bad, file: "c.yaml")
            Issue.record("expected an error")
        } catch let e as SenderError {
            let text = e.description
            #expect(text.contains("c.yaml:2: window.from: expected HH:MM, got '9am'"))
            #expect(text.contains("c.yaml:2: window.time_zone: unknown IANA time zone 'Mars/Base'"))
            #expect(text.contains("c.yaml:4: steps[0].subject: invalid Mustache template"))
            #expect(text.contains("c.yaml:6: steps[1].delay: later steps need a delay"))
        }
        do {
            _ = try CampaignLoader.parse("campaign: x\nsteps:\n  - subject: s\n", file: "m.yaml")
            Issue.record("expected an error")
        } catch let e as SenderError {
            #expect(e.description.hasPrefix("m.yaml:3: steps[0].text: missing key 'text'"))
        }
    }

    @Test func recipientErrorsAreRowNumberedAndComplete() throws {
        let csv = "email,time_zone,first_name\nok@example.net,Europe/Paris,Ann\nnot-an-address,,Bob\nx@example.net,Mars/Base,Cy\ny@example.net,UTC\n"
        do {
            _ = try RecipientsCSV.parse(csv, file: "r.csv")
            Issue.record("expected an error")
        } catch let e as SenderError {
            #expect(e.description == """
                r.csv:3: email: 'not-an-address' is not an email address
                r.csv:4: time_zone: unknown IANA time zone 'Mars/Base'
                r.csv:5: row: has 2 columns, the header has 3
                """)
        }
    }

    @Test func duplicatesMergeAndQuotedFieldsParse() throws {
        let csv = "email,first_name,company\nA@Example.net,,\"Acme, Inc.\"\na@example.net,Ann,Other\nb@example.net,\"Bo \"\"B\"\"\",\n"
        let r = try RecipientsCSV.parse(csv, file: "r.csv")
        #expect(r.duplicatesMerged == 1)
        #expect(r.recipients.count == 2)
        #expect(r.recipients[0].email == "a@example.net")
        #expect(r.recipients[0].variables["first_name"] == "Ann")
        #expect(r.recipients[0].variables["company"] == "Acme, Inc.")
        #expect(r.recipients[1].variables["first_name"] == "Bo \"B\"")
    }

    @Test func enqueueSkipsSuppressedCountsAndKeepsQueueOnBadFile() throws {
        let (store, dir) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fleet = makeFleet()
        let c = try write(dir, "c.yaml", campaignYAML)
        let good = try write(dir, "good.csv", "email,first_name\na@example.net,Ann\nb@example.net,Bob\nA@example.net,\nout@example.net,Out\n")
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
        #expect(again.report.alreadyEnrolled == 2)
        #expect(try store.pendingMessages().count == 2)
    }
}
