import DNSRecords
import Foundation
import Providers
import Sandbox
import Store
import Testing
@testable import Reconciler

/// 20 % injected faults on the Mailgun (US, EU) and Zoho emulators — 500s,
/// unavailable pages, dropped connections, half of the drops after the write
/// landed: run after run (plan, apply, as `reconcile --apply` repeated), the
/// example fleet's mail converges with nothing created twice.
@Suite(.serialized) struct MailFaultConvergenceTests {
    static let faults = FaultProfile(serverError: 0.08, unavailablePage: 0.04, drop: 0.08, afterExecutionShare: 0.5)

    @Test func mailConvergesUnderFaultsWithoutDuplicates() async throws {
        let (domains, org) = try ExampleInventory.porkbunDomains()
        let world = try await MailWorld(domains: domains.map(\.name), zohoOrg: org, faults: Self.faults,
                                        retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.05, totalBudget: 2),
                                        timeout: 3)
        do {
            var runs = 0, troubled = 0, converged = false
            while runs < 25 {
                let plan = try await world.plan(domains)
                let blocked = plan.domains.contains { $0.blocked != nil }
                if !plan.hasChanges && !blocked { converged = true; break }
                runs += 1
                let summary = try await world.apply(plan)
                if blocked || summary.exitCode != 0 { troubled += 1 }
            }
            #expect(converged, "not converged after \(runs) runs")
            #expect(troubled > 0)
            let faults = world.mailgunUS.counters.snapshot.values.reduce(0) { $0 + $1.faults }
                + world.mailgunEU.counters.snapshot.values.reduce(0) { $0 + $1.faults }
                + world.zoho.counters.snapshot.values.reduce(0) { $0 + $1.faults }
            #expect(faults > 0)
            #expect(await world.mailgunEU.routeDescriptions() == ["reconcile: lena@acmehq.eu"])
            #expect(await world.mailgunUS.domainNames() == ["acme-mail.com", "getacme.io"])
            #expect(await world.mailgunEU.domainState("acmehq.eu") == "active")
            #expect(await world.zoho.userAddresses() == ["alice@acme-mail.com", "bob@acme-mail.com", "erin@getacme.io"])
            #expect(await world.mailgunUS.credentialLogins("acme-mail.com")
                    == ["alice@acme-mail.com", "bob@acme-mail.com", "postmaster@acme-mail.com"])
            let journal = try await world.journalText()
            #expect(!journal.contains(MailWorld.canary))
            print("mail under 20 % faults: converged after \(runs) runs (\(troubled) with failures or unreadable domains), \(faults) faults injected")
        } catch {
            await world.stop()
            throw error
        }
        await world.stop()
    }
}
