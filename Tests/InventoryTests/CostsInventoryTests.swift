import Foundation
import Inventory
import Testing

/// The `costs:` section: defaults with their date, overrides, and every bad
/// value reported at its FILE:LINE:COL with its field path.
@Suite struct CostsInventoryTests {
    static let accounts = """
        accounts:
          porkbun: { api_key: env:PK, secret_key: env:SK }
          mailgun-us: { kind: mailgun, region: us, api_key: env:MG }
        """

    static func load(_ costs: String) -> (Inventory?, [String]) {
        do {
            let r = try InventoryLoader().load(files: [("fleet.yaml", accounts + "\n" + costs)])
            return (r.inventory, [])
        } catch {
            return (nil, error.errors.map(\.description))
        }
    }

    @Test func withoutCostsTheDatedDefaultsApply() throws {
        let (inv, errors) = Self.load("")
        #expect(errors.isEmpty)
        let c = try #require(inv?.costs)
        #expect(c.pricesAsOf.description == "2025-12-01")
        #expect(c.mailgunPlans.map(\.name) == ["basic", "foundation", "scale"])
        #expect(c.mailgunPlans.map(\.emailsPerMonth) == [10_000, 50_000, 100_000])
        #expect(c.zoho.perMailboxMonthly == USD(cents: 100))
        #expect(c.budgetMonthly == nil)
        #expect(c.written.isEmpty)
    }

    @Test func everyKeyOverridesItsDefault() throws {
        let (inv, errors) = Self.load("""
            costs:
              prices_as_of: 2026-11-30
              mailgun_plans:
                - { name: foundation, monthly_usd: 35, emails_per_month: 50000 }
                - { name: scale-250k, monthly_usd: 215.5, emails_per_month: 250000 }
              mailgun_plan: scale-250k
              zoho: { plan: mail-premium, per_mailbox_monthly_usd: 4, max_mailboxes: 25 }
              budget_monthly: 500
              renewal_overrides: { com: 10.44, .CO.UK: 7 }
            """)
        #expect(errors.isEmpty, "\(errors)")
        let c = try #require(inv?.costs)
        #expect(c.pricesAsOf.description == "2026-11-30")
        #expect(c.mailgunPlans.map(\.monthly) == [USD(cents: 3500), USD(cents: 21550)])
        #expect(c.mailgunPlan == "scale-250k")
        #expect(c.zoho == ZohoPlan(name: "mail-premium", perMailboxMonthly: USD(cents: 400), maxMailboxes: 25, location: c.zoho.location))
        #expect(c.zoho.location.line == 10)
        #expect(c.budgetMonthly == USD(cents: 50000))
        #expect(c.renewalOverrides == ["com": USD(cents: 1044), "co.uk": USD(cents: 700)])
        #expect(c.written == ["prices_as_of", "mailgun_plans", "mailgun_plan", "zoho", "budget_monthly", "renewal_overrides"])
    }

    @Test func badValuesAreLocatedAtTheirField() {
        let (inv, errors) = Self.load("""
            costs:
              prices_as_of: yesterday
              mailgun_plans:
                - { name: basic, monthly_usd: 15.005, emails_per_month: 10000 }
                - { name: big, monthly_usd: 90, emails_per_month: lots }
              mailgun_plan: enormous
              zoho: { per_mailbox_monthly_usd: -1, max_mailboxes: 0, seats: 3 }
              budget_monthly: "$500"
              renewal_overrides: { "c m": 9, net: 12.5.0 }
            """)
        #expect(inv == nil)
        #expect(errors == [
            "fleet.yaml:5:17: costs.prices_as_of: 'yesterday' is not a date: write YYYY-MM-DD, e.g. 2026-11-01",
            "fleet.yaml:7:35: costs.mailgun_plans[0].monthly_usd: '15.005' is not an amount in USD: write a number with at most two decimals, e.g. 35 or 9.68",
            "fleet.yaml:8:55: costs.mailgun_plans[1].emails_per_month: expected an integer, found 'lots'",
            // Both listed plans are broken, so the names offered are the defaults'.
            "fleet.yaml:9:17: costs.mailgun_plan: unknown plan 'enormous': expected 'basic', 'foundation' or 'scale'",
            "fleet.yaml:10:36: costs.zoho.per_mailbox_monthly_usd: '-1' is not an amount in USD: write a number with at most two decimals, e.g. 35 or 9.68",
            "fleet.yaml:10:55: costs.zoho.max_mailboxes: 0 is out of range: must be between 1 and 10000000",
            "fleet.yaml:10:58: costs.zoho.seats: unknown key 'seats'",
            "fleet.yaml:11:19: costs.budget_monthly: '$500' is not an amount in USD: write a number with at most two decimals, e.g. 35 or 9.68",
            "fleet.yaml:12:24: costs.renewal_overrides.c m: 'c m' is not a TLD (com, co.uk)",
            "fleet.yaml:12:39: costs.renewal_overrides.net: '12.5.0' is not an amount in USD: write a number with at most two decimals, e.g. 35 or 9.68",
        ], "\(errors)")
    }
    @Test func usdParsesAndPrintsInCents() throws {
        #expect(try USD.parse("35").get() == USD(cents: 3500))
        #expect(try USD.parse("9.6").get() == USD(cents: 960))
        #expect(try USD.parse("0.05").get() == USD(cents: 5))
        #expect((try? USD.parse("1e3").get()) == nil)
        #expect(USD(cents: 123_456_78).description == "$123,456.78")
        #expect(USD(cents: -305).description == "-$3.05")
    }
}
