import Foundation
import Testing

/// Issue #13 §5: a plan or drift check that could not read some domains
/// (their provider down) never claims the fleet matches, exits 1 even when it
/// found changes, and names the unread domains once per account and reason.
@Suite struct UnreadProviderTests {
    static let namecheapDomains = ["acme-mail.de", "acme-outreach.net", "try-acme.eu"]

    @Test func aPlanOrDriftThatCouldNotReadEveryDomainSaysSoAndExitsOne() async throws {
        let f = try await EngineFixture.start()
        do {
            // One registrar down: its domains are unread, the others still planned (with changes).
            await f.world.service("namecheap")!.server.stop()
            let partial = try await f.reconcile(["--plan", "--detailed-exitcode", "--format", "json", "--refresh", "full"])
            #expect(partial.status == 1, "\(partial.stderr)")
            let plan = try #require(try JSONSerialization.jsonObject(with: Data(partial.stdout.utf8)) as? [String: Any])
            let unread = try #require(plan["unread"] as? [[String: Any]])
            #expect(unread.count == 1)
            #expect(unread.first?["account"] as? String == "namecheap")
            #expect((unread.first?["reason"] as? String)?.hasPrefix("could not list account \"namecheap\"") == true)
            #expect(unread.first?["domains"] as? [String] == Self.namecheapDomains)
            #expect(!((plan["actions"] as? [Any]) ?? []).isEmpty, "the readable domains are still planned")
            // stderr names the cause once, with every domain it left unread.
            #expect(partial.stderr.components(separatedBy: "could not list account").count == 2, "\(partial.stderr)")
            #expect(Self.namecheapDomains.allSatisfy { partial.stderr.contains($0) })

            let markdown = try await f.reconcile(["--plan", "--format", "markdown", "--refresh", "full"])
            #expect(markdown.status == 1)
            #expect(markdown.stdout.contains("**Incomplete: 3 domains could not be read"), "\(markdown.stdout)")
            #expect(!markdown.stdout.contains("matches the inventory"))

            // Every provider down: nothing read, and nothing may look clean.
            await f.world.stop()
            let none = try await f.reconcile(["--plan", "--detailed-exitcode", "--refresh", "full"])
            #expect(none.status == 1, "\(none.stdout)\n\(none.stderr)")
            #expect(!none.stdout.contains("matches the inventory"), "\(none.stdout)")
            #expect(none.stdout.contains("Incomplete: 6 domains could not be read"), "\(none.stdout)")
            #expect(none.stdout.contains("No changes in the domains read, but the plan is incomplete: 6 domains not read."))
            for account in ["porkbun", "namecheap"] {
                #expect(none.stdout.components(separatedBy: "could not list account \"\(account)\"").count == 2, "\(none.stdout)")
            }
            #expect(!none.stdout.contains("blocked:"), "one line per account, not one per domain")

            let drift = try await f.reconcile(["drift"])
            #expect(drift.status == 1, "\(drift.stdout)\n\(drift.stderr)")
            #expect(!drift.stdout.contains("matches the inventory"), "\(drift.stdout)")
            #expect(drift.stdout.hasPrefix("Incomplete: 6 domains could not be read"), "\(drift.stdout)")
            #expect(drift.stdout.contains("No drift in the domains read."))
        } catch { await f.stop(); throw error }
        await f.stop()
    }
}
