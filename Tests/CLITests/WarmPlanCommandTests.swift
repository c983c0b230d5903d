import Foundation
import Testing

/// Issue #13 §1: a warm plan under `--refresh none` makes no network call —
/// the account listings are cached like the zones — and loads no HTTP or
/// PostgreSQL library; a cached listing that lacks a wanted domain is read
/// again rather than trusted.
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

            // Nor does it load libcurl (OpenSSL, krb5… behind it) or libpq: they are
            // dlopen'ed on first use. A plan that reads the providers does load libcurl.
            let traced = try await f.loadedLibraries(["--plan", "--refresh", "none", "--detailed-exitcode"])
            #expect(traced.output.status == 0 && traced.libraries.contains { $0.hasPrefix("libsqlite3") }, "\(traced.libraries)")
            for unwanted in ["libcurl", "libpq", "libssl", "libcrypto", "libgnutls", "libxml2"] {
                #expect(!traced.libraries.contains { $0.hasPrefix(unwanted) }, "\(unwanted) loaded by a warm plan: \(traced.libraries)")
            }
            let reading = try await f.loadedLibraries(["--plan", "--refresh", "full", "--detailed-exitcode"])
            #expect(reading.output.status == 0, "\(reading.output.stderr)")
            #expect(reading.libraries.contains { $0.hasPrefix("libcurl") } && !reading.libraries.contains { $0.hasPrefix("libpq") },
                    "\(reading.libraries)")
            f.resetCounters()

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
