import DNSRecords
import Testing
@testable import Reconciler

@Suite struct RecordDiffTests {
    let zone = "acme-mail.com"

    @Test func unmanagedRecordsAreKeptAndListed() {
        let ours = Fixtures.mailRecords(zone)
        let foreign = [Fixtures.rec("www.\(zone)", .A, "192.0.2.10"),
                       Fixtures.rec(zone, .TXT, "google-site-verification=abc")]
        let diff = RecordDiff.diff(zone: zone, desired: ours.map(TargetRecord.init), observed: ours + foreign, owned: [])
        #expect(diff.actions.isEmpty)
        #expect(diff.unmanagedKept == foreign.sorted { $0.key < $1.key })
        #expect(diff.managedObserved.count == 6)
    }

    @Test func onlyOwnedRecordsAreDeleted() {
        let ours = Fixtures.mailRecords(zone)
        let stale = Fixtures.rec("old.\(zone)", .CNAME, "mailgun.org")
        let foreign = Fixtures.rec("shop.\(zone)", .CNAME, "shops.example.net")
        let diff = RecordDiff.diff(zone: zone, desired: ours.map(TargetRecord.init),
                                   observed: ours + [stale, foreign], owned: [stale.key])
        #expect(diff.actions.map(\.id.rawValue) == ["delete:\(zone)/dnsRecord/old CNAME mailgun.org"])
        #expect(diff.unmanagedKept == [foreign])
    }

    @Test func caseTrailingDotsAndMinimumTTLAreNotDrift() {
        let desired = [TargetRecord(Fixtures.rec(zone, .MX, "mx.zoho.com", ttl: 300, prio: 10)),
                       TargetRecord(Fixtures.rec("email.\(zone)", .CNAME, "mailgun.org", ttl: 60))]
        let observed = [DNSRecord(name: "ACME-Mail.com.", type: .MX, ttl: 600, priority: 10, value: "MX.ZOHO.COM."),
                        DNSRecord(name: "Email.acme-mail.com", type: .CNAME, ttl: 600, value: "mailgun.org.")]
        let porkbun = RecordDiff.diff(zone: "ACME-MAIL.COM.", desired: desired, observed: observed, owned: [], rules: .porkbun)
        #expect(porkbun.actions.isEmpty)
        // Without the provider's minimum the TTL difference is real drift.
        let plain = RecordDiff.diff(zone: zone, desired: desired, observed: observed, owned: [])
        #expect(plain.actions.map(\.operation) == [.update, .update])
        #expect(plain.actions[0].changedAttributes == ["ttl"])
    }

    @Test func namecheapAutomaticTTLReadsBackAs1799() {
        let desired = [TargetRecord(Fixtures.rec(zone, .TXT, "v=spf1 ~all", ttl: 1800))]
        let observed = [Fixtures.rec(zone, .TXT, "v=spf1 ~all", ttl: 1799)]
        #expect(RecordDiff.diff(zone: zone, desired: desired, observed: observed, owned: [], rules: .namecheap).actions.isEmpty)
    }

    @Test func ttlAboveTheMinimumIsDrift() {
        let desired = [TargetRecord(Fixtures.rec(zone, .TXT, "v=spf1 ~all", ttl: 3600))]
        let observed = [Fixtures.rec(zone, .TXT, "v=spf1 ~all", ttl: 600)]
        let diff = RecordDiff.diff(zone: zone, desired: desired, observed: observed, owned: [], rules: .porkbun)
        #expect(diff.actions.count == 1)
        #expect(diff.actions[0].before?["ttl"] == .int(600))
        #expect(diff.actions[0].after?["ttl"] == .int(3600))
    }

    @Test func changedValueOfAnOwnedRecordIsOneUpdate() {
        let old = Fixtures.rec("_dmarc.\(zone)", .TXT, "v=DMARC1; p=none")
        let new = Fixtures.rec("_dmarc.\(zone)", .TXT, "v=DMARC1; p=quarantine")
        let diff = RecordDiff.diff(zone: zone, desired: [TargetRecord(new)], observed: [old], owned: [old.key])
        #expect(diff.actions.count == 1)
        let a = diff.actions[0]
        #expect(a.operation == .update)
        #expect(a.before?.record == old)
        #expect(a.after?.record == new)
        #expect(ActionText(a).details == [#"value: v=DMARC1; p=none → v=DMARC1; p=quarantine"#])

        // Not owned, but a second DMARC record would make both void (RFC 7489
        // 6.6.3): the declared one takes its place, with a note saying why.
        let competing = RecordDiff.diff(zone: zone, desired: [TargetRecord(new)], observed: [old], owned: [])
        #expect(competing.actions.map(\.operation) == [.update])
        #expect(competing.actions.first?.note == RecordDiff.competingNote)
        #expect(competing.unmanagedKept == [])

        // A TXT of another kind at the same name is someone else's and stays.
        let other = Fixtures.rec("_dmarc.\(zone)", .TXT, "google-site-verification=abc")
        let kept = RecordDiff.diff(zone: zone, desired: [TargetRecord(new)], observed: [other], owned: [])
        #expect(kept.actions.map(\.operation) == [.create])
        #expect(kept.unmanagedKept == [other])
    }

    @Test func knownAfterApplyValuesAreCreatedWithAReference() {
        let mg = ActionID(.create, ResourceAddress(domain: zone, kind: .mailgunDomain))
        let dkim = TargetRecord(name: "mx._domainkey.\(zone)", type: .TXT, ttl: 3600,
                                 value: .knownAfterApply(OutputReference(action: mg, output: "dkim.value")))
        let diff = RecordDiff.diff(zone: zone, desired: [dkim], observed: [], owned: [])
        #expect(diff.actions.count == 1)
        #expect(diff.actions[0].dependsOn == [mg])
        #expect(diff.actions[0].address.identity == "mx._domainkey TXT <dkim.value>")
        #expect(diff.writeSet.isEmpty)
    }

    @Test func wholeZoneWriteSetIsKeptUnmanagedPlusDesired() throws {
        let foreign = [Fixtures.rec("www.\(zone)", .A, "192.0.2.10"), Fixtures.rec("ftp.\(zone)", .CNAME, "files.example.net")]
        let stale = Fixtures.rec("old.\(zone)", .TXT, "remove me")
        var desired = Fixtures.mailRecords(zone)
        let observed = Array(desired.prefix(3)) + foreign + [stale, Fixtures.rec(zone, .TXT, "v=spf1 ~all", ttl: 1799)]
        desired[3].ttl = 1800
        let diff = RecordDiff.diff(zone: zone, desired: desired.map(TargetRecord.init), observed: observed,
                                   owned: [stale.key], rules: .namecheap)
        #expect(Set(diff.actions.map(\.batch)) == ["zone:\(zone)"])
        // The foreign apex SPF competes with the declared one (two SPF records
        // are a permanent error, RFC 7208 3.2): it is replaced, not kept.
        #expect(diff.writeSet == (foreign + desired).sorted { $0.key < $1.key })
        // Applying the actions to the observed zone gives the same write set.
        #expect(try ZoneEdit.apply(diff.actions, to: observed) == diff.writeSet)
        #expect(!diff.writeSet.contains(stale))
    }

    @Test func duplicateDesiredRecordsCollapse() {
        let r = Fixtures.rec(zone, .TXT, "v=spf1 ~all")
        let diff = RecordDiff.diff(zone: zone, desired: [TargetRecord(r), TargetRecord(r)], observed: [], owned: [])
        #expect(diff.actions.count == 1)
    }

    /// The one-of-a-kind slots: quotes and case ignored in the value, any
    /// TXT under `_domainkey` is a DKIM key, nothing else is exclusive.
    @Test func exclusiveSlotsAreRecognisedByNameAndValuePrefix() {
        typealias Slot = RecordDiff.ExclusiveSlot
        #expect(Slot("A.eu", .TXT, "\"V=SPF1 -all\"")?.kind == "SPF")
        #expect(Slot("_dmarc.a.eu", .TXT, "v=\"DMARC1\"; p=none")?.kind == "DMARC")
        #expect(Slot("mg._domainkey.a.eu", .TXT, nil)?.kind == "DKIM")
        #expect(Slot("_domainkey.a.eu", .TXT, "o=~")?.kind == "DKIM")
        #expect(Slot("www.a.eu", .CNAME, "a.eu")?.kind == "CNAME")
        #expect(Slot("a.eu", .TXT, "v=spf") == nil)
        #expect(Slot("a.eu", .TXT, "v=spf2.0/pra") == nil)
        #expect(Slot("a.eu", .TXT, "google-site-verification=x") == nil)
        #expect(Slot("my_domainkey.a.eu", .TXT, "x") == nil)
        #expect(Slot("a.eu", .TXT, nil) == nil)
        #expect(Slot("a.eu", .MX, "v=spf1") == nil)
    }
}
