import Foundation
@testable import App
import Inventory
import Providers
import Testing

/// The estimate `import` prints before its reads: the accounts' real budgets.
@Suite struct ImportEstimateTests {
    static let inventory = try! InventoryLoader().load(files: [("fleet.yaml", """
        accounts:
          porkbun: { api_key: env:PK, secret_key: env:SK }
          namecheap: { api_user: ops, api_key: env:NK, client_ip: 203.0.113.7 }
          mailgun-us: { kind: mailgun, region: us, api_key: env:MK }
          zoho: { region: eu, client_id: env:ZI, client_secret: env:ZS, refresh_token: env:ZT, org_id: "1" }
        """)]).inventory

    static func found(_ n: Int, at registrar: String, zoho: Bool) -> [FleetDiscovery.Found] {
        (0..<n).map { i in
            FleetDiscovery.Found(name: "d\(i).com", registrar: registrar,
                                 registration: RegistrarDomain(name: "d\(i).com", expires: nil, autoRenew: true, locked: false),
                                 mailgun: "mailgun-us", zoho: zoho ? "zoho" : nil)
        }
    }

    @Test func sixHundredNamecheapDomainsTakeHalfAnHourOfZoneReads() {
        let e = ImportEstimate(Self.found(600, at: "namecheap", zoho: false), listed: ["namecheap": 600], inventory: Self.inventory, limits: true)
        // 600 zones and 3 × 6 listing pages at 20/min (and the budget's 0.25 s
        // margin per window): the last goes in the 31st minute; under 700/h.
        let nc = e.registrars.first { $0.name == "namecheap" }!
        #expect(nc.requests == 618)
        #expect(nc.seconds == 30 * 60.25)
        // Mailgun: 3 requests a domain and the routes, at 300/min.
        #expect(e.mail.first { $0.name == "mailgun-us" }!.requests == 1801)
        #expect(abs(e.seconds - (30 * 60.25 + 6 * 60.05)) < 0.001)
        #expect(e.lines.last!.hasPrefix("estimated time: about 36 min 08 s"), "\(e.lines)")
        #expect(e.lines.first == "  namecheap: 618 requests at 20/min, 700/h, 8000/day: about 30 min 08 s")
    }

    @Test func theHourlyWindowBindsPastSevenHundredNamecheapRequests() {
        let found = Self.found(1000, at: "namecheap", zoho: true)
        let e = ImportEstimate(found, listed: ["namecheap": 1000], zohoIncomplete: Set(found.prefix(400).map(\.name)),
                               inventory: Self.inventory, limits: true)
        // 1030 requests: 700 in the first 35 minutes, then the hourly window
        // holds the 701st until the hour is up, and the last 330 follow at 20/min.
        #expect(e.registrars[0].seconds == 3600.25 + 16 * 60.25)
        // Zoho at 1/s: its listing, twice 30 pages of users, the 400 domains its listing left incomplete.
        #expect(e.mail.first { $0.name == "zoho" }!.requests == 461)
        #expect(e.mail.first { $0.name == "zoho" }!.seconds == 460)
    }

    @Test func withoutLimitsTheEstimateIsZero() {
        let e = ImportEstimate(Self.found(600, at: "porkbun", zoho: true), listed: ["porkbun": 600], inventory: Self.inventory, limits: false)
        #expect(e.seconds == 0)
        #expect(e.lines.first == "  porkbun: 603 requests at no limit: about 0 s")
        #expect(e.lines.last == "estimated time: no rate limits (lifted), as fast as the APIs answer")
    }
}
