import Foundation
import Inventory
import Providers
import Reconciler
import Testing

/// `reconcile explain DOMAIN` against emulators on loopback, after a
/// converging apply: origins are the inventory's real lines, observed values
/// are the provider's, and a record only the provider has is left alone.
@Suite(.serialized) struct ExplainCommandTests {
    func explain(_ f: EngineFixture, _ args: [String]) async throws -> CLIRunner.Output {
        try await CLIRunner.runAsync(CLIRunner.binary, ["explain"] + args + ["--inventory", "inventory", "--no-rate-limits"],
                                     cwd: f.dir, environment: f.environment)
    }

    /// `inventory/FILE:N` of the first line of the fixture's FILE starting with `prefix`.
    func at(_ f: EngineFixture, _ file: String, _ prefix: String) throws -> String {
        let text = try String(contentsOfFile: f.dir + "/inventory/" + file, encoding: .utf8)
        let n = try #require(text.components(separatedBy: "\n").firstIndex { $0.hasPrefix(prefix) }) + 1
        return "inventory/\(file):\(n)"
    }

    @Test func aConvergedDomainShowsOriginsObservedValuesAndWhatIsLeftAlone() async throws {
        let f = try await EngineFixture.start()
        do {
            // Before the first apply: what the plan would do, and to what.
            let fresh = try await explain(f, ["acme-mail.com"])
            #expect(fresh.status == 0, "\(fresh.stderr)")
            let pending = try #require(block(fresh.stdout, "mg._domainkey TXT"), "\(fresh.stdout)")
            #expect(pending.contains("+ to create") && pending.contains("known after create:acme-mail.com/mailgunDomain/"), "\(pending)")
            #expect(fresh.stdout.contains("the registrar's default on a fresh domain: removed"))
            #expect(fresh.stdout.contains("+ to create    mailgun domain acme-mail.com"))

            #expect(try await f.reconcile(["--apply", "--auto-approve"]).status == 0)
            #expect(try await f.converge())
            _ = try await f.porkbun.create("acme-mail.com", PorkbunRecordInput(name: "keep", type: "TXT",
                                                                               content: "site-verification=explain-keep", ttl: 600))

            let text = try await explain(f, ["acme-mail.com", "--refresh", "full"])
            #expect(text.status == 0, "\(text.stdout)\n\(text.stderr)")
            let out = text.stdout
            #expect(out.contains("acme-mail.com: group us-outreach, active, inbound zoho"))
            #expect(out.contains("declared at \(try at(f, "groups/us-outreach.yaml", "  - name: acme-mail.com"))"))
            // The MX record: in sync, its observed value, and the fleet settings behind it with their lines.
            let mx = try #require(block(out, "@ MX 10 mx.zoho.eu"), "\(out)")
            #expect(mx.contains("= in sync"))
            #expect(mx.contains("observed  @ 3600 MX 10 mx.zoho.eu"))
            #expect(mx.contains("defaults.inbound = zoho (zoho) (\(try at(f, "fleet.yaml", "  inbound:")))"), "\(mx)")
            #expect(mx.contains("defaults.ttl = 3600 (\(try at(f, "fleet.yaml", "  ttl:")))"), "\(mx)")
            // Mailgun's DKIM key: the group's pool, the value Mailgun generated.
            let dkim = try #require(block(out, "mg._domainkey TXT"), "\(out)")
            #expect(dkim.contains("groups.us-outreach.pool = mailgun-us (\(try at(f, "groups/us-outreach.yaml", "pool:")))"), "\(dkim)")
            #expect(dkim.contains("observed  mg._domainkey 3600 TXT \"k=rsa;"), "\(dkim)")
            // Only at the provider: left alone.
            let keep = try #require(block(out, "keep TXT site-verification=explain-keep"), "\(out)")
            #expect(keep.contains("· left alone"))
            #expect(keep.contains("unmanaged: not in the inventory and not created by reconcile"))
            #expect(out.contains("mailgun credential alice@acme-mail.com"))

            let json = try await explain(f, ["acme-mail.com", "--format", "json", "--refresh", "none"])
            #expect(json.status == 0, "\(json.stderr)")
            let dec = JSONDecoder()
            dec.dateDecodingStrategy = .iso8601
            let e = try dec.decode(DomainExplanation.self, from: Data(json.stdout.utf8))
            #expect(e.domain == "acme-mail.com" && e.blocked == nil)
            let item = try #require(e.records.first { $0.identity == "@ MX 10 mx.zoho.eu" })
            #expect(item.status == .inSync && item.management == .declared)
            let inbound = try #require(item.origins.first { $0.setting == "defaults.inbound" })
            #expect("\(inbound.location!.file):\(inbound.location!.line)" == (try at(f, "fleet.yaml", "  inbound:")))
            let kept = try #require(e.records.first { $0.observed?.contains("explain-keep") == true })
            #expect(kept.status == .leftAlone && kept.management == .unmanaged && kept.desired == nil)
            #expect(e.resources.contains { $0.kind == "mailgunDomain" && $0.status == .inSync })
            #expect(!json.stdout.contains(EngineFixture.canary))
        } catch { await f.stop(); throw error }
        await f.stop()
    }

    @Test func anUnknownDomainNamesTheNearOnes() async throws {
        let f = try await EngineFixture.start()
        do {
            let r = try await explain(f, ["acme-mail.co"])
            #expect(r.status == 1)
            #expect(r.stderr.contains("acme-mail.co: not a domain of the inventory (did you mean: acme-mail.com"), "\(r.stderr)")
            #expect(r.stdout.isEmpty)
        } catch { await f.stop(); throw error }
        await f.stop()
    }

    /// The lines of the item whose headline ends with `identity` (up to the next item).
    func block(_ text: String, _ identity: String) -> String? {
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix("  ") && !$0.hasPrefix("   ") && $0.contains(identity) }) else { return nil }
        var end = start + 1
        while end < lines.count, lines[end].hasPrefix("      ") { end += 1 }
        return lines[start..<end].joined(separator: "\n")
    }
}
