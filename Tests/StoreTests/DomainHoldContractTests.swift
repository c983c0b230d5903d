import Foundation
import Store
import Testing

/// Domain holds on both backends: each watcher replaces only its own set,
/// and a reservation from a held domain is refused with the message kept.
@Suite struct DomainHoldContractTests {
    typealias C = SendingStoreContractTests

    @Test(arguments: C.Backend.allCases)
    func eachSourceReplacesOnlyItsOwnHoldsAndKeepsTheirSince(_ backend: C.Backend) throws {
        try C.withStore(backend) { store in
            let first = try store.replaceDomainHolds(source: .dns, with: ["Acme-Mail.com": "DKIM differs", "getacme.io": "MX missing"], at: C.t0)
            #expect(first.placed.map(\.domain) == ["acme-mail.com", "getacme.io"] && first.released.isEmpty)
            try store.replaceDomainHolds(source: .blocklist, with: ["acme-mail.com": "dbl.example"], at: C.t0 + 1)

            // The next DNS round: one fixed, one still failing for a new reason.
            let second = try store.replaceDomainHolds(source: .dns, with: ["acme-mail.com": "SPF missing"], at: C.t0 + 600)
            #expect(second.placed.isEmpty && second.released.map(\.domain) == ["getacme.io"])
            let holds = try store.domainHolds().sorted { ($0.domain, $0.source.rawValue) < ($1.domain, $1.source.rawValue) }
            #expect(holds == [DomainHold(domain: "acme-mail.com", source: .blocklist, reason: "dbl.example", since: C.t0 + 1),
                              DomainHold(domain: "acme-mail.com", source: .dns, reason: "SPF missing", since: C.t0)])
        }
    }

    @Test(arguments: C.Backend.allCases)
    func aHeldDomainsReservationIsRefusedAndTheMessageStaysPlanned(_ backend: C.Backend) throws {
        try C.withStore(backend) { store in
            _ = try store.enqueue(campaign: C.campaign(steps: 1), recipients: C.people("ann@example.org"), now: C.t0)
            let m = try #require(try store.pendingMessages().first)
            try store.replaceDomainHolds(source: .mailgun, with: ["acme-mail.com": "domain unverified"], at: C.t0)
            let r = Reservation(messageRow: m.row, mailbox: "alice@acme-mail.com", group: m.group, at: C.t0 + 1,
                                mailboxNextAt: C.t0 + 46, groupNextAt: C.t0 + 31, messageID: "<1@acme-mail.com>")
            #expect(try store.reserve(r) == .refused(ReserveResult.domainHeld))
            #expect(try store.pendingMessages().map(\.row) == [m.row])
            // Nothing consumed against the limits.
            #expect(try store.limiterSnapshot(now: C.t0 + 2).mailboxSends["alice@acme-mail.com"] == nil)

            try store.replaceDomainHolds(source: .mailgun, with: [:], at: C.t0 + 60)
            guard case .reserved = try store.reserve(r) else { Issue.record("released domain still refused"); return }
        }
    }
}
