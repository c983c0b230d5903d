import Foundation
import Testing

/// Issue #13 §1: a warm plan under `--refresh none` makes no network call —
/// the account listings are cached like the zones — and a cached listing
/// that lacks a wanted domain is read again rather than trusted.
@Suite(.serialized) struct WarmPlanCommandTests {
    @Test func aWarmPlanWithRefreshNoneCallsNoProvider() async throws {
        let f = try await EngineFixture.start()
        do {
            #expect(try await f.converge())
            f.resetCounters()
            let warm = try await f.reconcile(["--plan", "--refresh", "none", "--detailed-exitcode"])
            #expect(warm.status == 0, "\(warm.stdout)\n\(warm.stderr)")
            #expect(warm.stdout.contains("No changes."))
            #expect(f.requests.isEmpty, "requests of a warm --refresh none plan: \(f.requests)")

            // A wanted domain missing from the cached listing: that account is listed again, once.
            try f.edit("groups/us-outreach.yaml") {
                $0 + "\n  - name: not-yet-bought.com\n    registrar: porkbun\n    mailboxes: [zed]\n"
            }
            let grown = try await f.reconcile(["--plan", "--refresh", "none"])
            #expect(grown.stdout.contains("not-yet-bought.com") && grown.stdout.contains("register it first"),
                    "\(grown.stdout)\n\(grown.stderr)")
            let listings = f.requests.filter { $0.key.hasPrefix("porkbun ") && $0.key.contains("listAll") }
            #expect(listings.values.reduce(0, +) == 1, "\(f.requests)")
            #expect(f.requests.keys.allSatisfy { $0.hasPrefix("porkbun ") }, "\(f.requests)")

            // Without the new domain the cached listing serves again: no call.
            try f.edit("groups/us-outreach.yaml") { String($0[..<$0.range(of: "\n  - name: not-yet-bought.com")!.lowerBound]) + "\n" }
            f.resetCounters()
            #expect(try await f.reconcile(["--plan", "--refresh", "none", "--detailed-exitcode"]).status == 0)
            #expect(f.requests.isEmpty, "\(f.requests)")
        } catch { await f.stop(); throw error }
        await f.stop()
    }
}
