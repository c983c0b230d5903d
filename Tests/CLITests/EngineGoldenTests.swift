import Foundation
import Reconciler
import Testing

/// An inventory edit on a converged fleet gives exactly the expected plan,
/// in all three formats. Golden files live in Golden/;
/// `RECONCILE_UPDATE_GOLDEN=1 swift test --filter EngineGoldenTests` rewrites them.
@Suite(.serialized) struct EngineGoldenTests {
    @Test func inventoryEditGivesTheExpectedPlan() async throws {
        let f = try await EngineFixture.start()
        do {
            #expect(try await f.converge())
            // Stricter DMARC everywhere, a retired domain, a new CAA record.
            try f.edit("fleet.yaml") { $0.replacingOccurrences(of: "policy: none ", with: "policy: quarantine ") }
            try f.edit("groups/us-outreach.yaml") { $0.replacingOccurrences(of: "role: spare ", with: "role: retired ") }
            try f.edit("groups/eu-outreach.yaml") { text in
                text.replacingOccurrences(of: "    inbound: { mode: mailgun-routing",
                                          with: "    extra_records: [{ name: \"@\", type: CAA, value: '0 issue \"pki.goog\"' }]\n    inbound: { mode: mailgun-routing")
            }
            for (format, file) in [("text", "edit-plan.txt"), ("markdown", "edit-plan.md"), ("json", "edit-plan.json")] {
                let plan = try await f.reconcile(["--plan", "--format", format, "--detailed-exitcode"])
                #expect(plan.status == 2, "\(plan.stderr)")
                try golden(file, try Self.stable(plan.stdout, json: format == "json"))
            }
        } catch { await f.stop(); throw error }
        await f.stop()
    }

    /// What differs between runs only by chance: the fingerprint (the
    /// inventory holds the emulators' ephemeral ports; record ids are
    /// assigned in completion order), Zoho's user ids and generated DKIM keys.
    static func stable(_ output: String, json: Bool) throws -> String {
        var text = output
        if json {
            var plan = try JSONDecoder().decode(Plan.self, from: Data(output.utf8))
            plan.fingerprint = PlanFingerprint(inventory: "<inventory sha256>",
                                               observed: plan.fingerprint.observed.mapValues { _ in "<observed sha256>" })
            text = try JSONRenderer().render(plan) + "\n"
            // Zoho numbers users in the order it created them (concurrently).
            text = text.replacingOccurrences(of: #""(accountID|zuid)" : "[0-9]+""#, with: #""$1" : "<zoho id>""#,
                                             options: .regularExpression)
        }
        return text.replacingOccurrences(of: #"p=[A-Za-z0-9+/=]{40,}(" "[A-Za-z0-9+/=]+)*"#, with: "p=<generated key>", options: .regularExpression)
            // Zoho numbers verification codes in the order domains were added (concurrently).
            .replacingOccurrences(of: #"zoho-verification=zb[0-9]+"#, with: "zoho-verification=zb<code>", options: .regularExpression)
    }

    func golden(_ name: String, _ actual: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
        if ProcessInfo.processInfo.environment["RECONCILE_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "\(name) differs from its golden file", sourceLocation: sourceLocation)
    }
}
