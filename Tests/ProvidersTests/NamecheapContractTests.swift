import DNSRecords
import Foundation
import Testing
@testable import Providers
@testable import Sandbox

/// Every Namecheap client call against the emulator over real HTTP, with the
/// documented quirks and errors (registrars.md Part B).
@Suite struct NamecheapContractTests {
    let zone = "acme-outreach.net"

    @Test func getListPagesAndCarriesRegistrationFacts() async throws {
        let names = (0..<250).map { String(format: "n%03d.net", $0) }
        try await withNamecheap(domains: names) { rig in
            let domains = try await rig.provider.listDomains()
            #expect(domains.count == 250)
            #expect(Set(domains.map(\.name)) == Set(names))
            #expect(rig.emulator.counters.requests("namecheap.domains.getlist") == 3)
            #expect(domains.allSatisfy { $0.usesRegistrarDNS == true && !$0.locked && !$0.autoRenew })
            let expiry = try #require(domains.first?.expires)
            #expect(abs(expiry.timeIntervalSinceNow - 365 * 86400) < 2 * 86400)
        }
    }

    @Test func freshZoneShowsTheTwoParkingDefaults() async throws {
        try await withNamecheap { rig in
            let hosts = try await rig.client.getHosts(zone)
            #expect(hosts.emailType == "FWD")
            #expect(hosts.isUsingOurDNS)
            let z = try await rig.provider.zone(zone)
            #expect(z.records == [DNSRecord(name: "www.\(zone)", type: .CNAME, ttl: 1800, value: "parkingpage.namecheap.com")])
            #expect(z.foreign.map(\.type) == ["URL"])
            #expect(z.registrarDefaults.count == 2)
        }
    }

    @Test func writesMergeAndUnmanagedRowsSurvive() async throws {
        try await withNamecheap { rig in
            // A row somebody added in the dashboard; the caller never names it.
            rig.emulator.state.withValue { s in
                let h = s.newHost(name: "google", type: "TXT", address: "google-site-verification=abc", mxPref: 10, ttl: 1800)
                s.domains[zone]!.hosts.append(h)
            }
            let unmanaged = DNSRecord(name: "google.\(zone)", type: .TXT, ttl: 1800, value: "google-site-verification=abc")
            let spf = DNSRecord(name: zone, type: .TXT, ttl: 1800, value: "v=spf1 include:mailgun.org ~all")
            let mx = DNSRecord(name: zone, type: .MX, ttl: 1800, priority: 10, value: "mxa.mailgun.org")
            let cname = DNSRecord(name: "Email.\(zone)", type: .CNAME, ttl: 1800, value: "MAILGUN.org.")
            var z = try await rig.provider.apply(RecordChangeSet(domain: zone, create: [spf, mx, cname]))
            #expect(z.records.contains(unmanaged))
            #expect(z.records.contains { $0.key == spf.key })
            #expect(z.records.contains { $0.key == mx.key })        // MX stored: EmailType=MX was sent
            #expect(z.records.contains { $0.key == cname.key })     // lower-cased, trailing dot ignored
            #expect(z.foreign.contains { $0.type == "URL" })
            #expect(rig.truth(zone)?.emailType == "MX")
            // Stored the Namecheap way: lower-case host, dot appended to the target.
            #expect(rig.truth(zone)?.hosts.contains { $0.name == "email" && $0.address == "mailgun.org." } == true)
            z = try await rig.provider.apply(RecordChangeSet(domain: zone, delete: [mx]))
            #expect(!z.records.contains { $0.type == .MX })
            #expect(rig.truth(zone)?.emailType == "NONE")             // dropping the last MX changes the mode
            #expect(z.records.contains(unmanaged))
            #expect(z.foreign.contains { $0.type == "URL" })
        }
    }

    @Test func mxWithoutEmailTypeIsDroppedOnTheWire() async throws {
        try await withNamecheap { rig in
            let h = NamecheapWire.Host(name: "@", type: "MX", address: "mx.example.com", mxPref: 10, ttl: 1800)
            try await rig.client.setHosts(zone, hosts: [h], emailType: nil)
            #expect(try await rig.client.getHosts(zone).hosts.isEmpty)   // replace-all, and MX needs EmailType=MX
            try await rig.client.setHosts(zone, hosts: [h], emailType: "MX")
            let hosts = try await rig.client.getHosts(zone).hosts
            #expect(hosts.count == 1)
            #expect(hosts.first?.address == "mx.example.com.")
        }
    }

    @Test func specialCharactersInTXTSurviveTheForm() async throws {
        try await withNamecheap { rig in
            let tricky = DNSRecord(name: "_dmarc.\(zone)", type: .TXT, ttl: 1800, value: "v=DMARC1; p=none; rua=mailto:a+b@x.org; pct=100 & more")
            let z = try await rig.provider.apply(RecordChangeSet(domain: zone, create: [tricky]))
            #expect(z.records.contains(tricky))
        }
    }

    @Test func largeZonesGoByPost() async throws {
        try await withNamecheap { rig in
            let small = [DNSRecord(name: "a.\(zone)", type: .A, ttl: 1800, value: "192.0.2.1")]
            _ = try await rig.provider.apply(RecordChangeSet(domain: zone, create: small))
            let many = (0..<15).map { DNSRecord(name: "h\($0).\(zone)", type: .TXT, ttl: 1800, value: "v\($0)") }
            let z = try await rig.provider.apply(RecordChangeSet(domain: zone, create: many))
            #expect(z.records.count == 1 + 1 + 15)   // parking CNAME, a, h0…h14
            #expect(rig.emulator.setHostsMethods.value == ["GET", "POST"])
        }
    }

    @Test func documentedErrorsArriveAsHTTP200WithNumbers() async throws {
        try await withNamecheap(apiKey: "wrong-key-123456") { rig in
            let e = await providerFailure { _ = try await rig.client.getHosts(zone) }
            #expect(e?.kind == .authentication)
            #expect(e?.code == "1011102")
            #expect(e?.httpStatus == 200)
            #expect(e?.description.contains("wrong-key-123456") == false)
        }
        try await withNamecheap(allowedIPs: ["203.0.113.7"]) { rig in
            let e = await providerFailure { _ = try await rig.client.getHosts(zone) }
            #expect(e?.kind == .authentication)
            #expect(e?.code == "1011150")
            #expect(e?.message == "Invalid request IP: 127.0.0.1")
        }
        try await withNamecheap { rig in
            let missing = await providerFailure { _ = try await rig.client.getHosts("not-mine.net") }
            #expect(missing?.kind == .notFound)
            #expect(missing?.code == "2019166")
        }
    }

    @Test func customNameserversBlockHostsUntilSetDefault() async throws {
        try await withNamecheap { rig in
            let (sld, tld) = DomainSplit.split(zone)
            #expect(sld == "acme-outreach" && tld == "net")
            rig.emulator.state.withValue { $0.domains[zone]!.usingOurDNS = false; $0.domains[zone]!.nameservers = ["ns1.other.org"] }
            await rig.emulator.publish(zone)
            #expect(await rig.emulator.dnsView.records(zone: zone).isEmpty)
            let d = try await rig.provider.delegation(of: zone)
            #expect(!d.usesRegistrarDNS)
            let e = await providerFailure { _ = try await rig.client.getHosts(zone) }
            #expect(e?.kind == .unsupported)
            #expect(e?.code == "2030288")
            try await rig.provider.useRegistrarDNS(zone)
            let back = try await rig.provider.delegation(of: zone)
            #expect(back.usesRegistrarDNS)
            #expect(back.nameservers == NamecheapWire.defaultNameservers)
            #expect(await !rig.emulator.dnsView.records(zone: zone).isEmpty)
        }
    }

    @Test func dynamicDNSRowsBlockReplaceAllWrites() async throws {
        try await withNamecheap { rig in
            rig.emulator.state.withValue { $0.domains[zone]!.hosts[0].isDDNSEnabled = true }
            let e = await providerFailure {
                _ = try await rig.provider.apply(RecordChangeSet(domain: zone, create: [DNSRecord(name: zone, type: .A, ttl: 1800, value: "192.0.2.1")]))
            }
            #expect(e?.kind == .unsupported)
            #expect(rig.emulator.counters.requests("namecheap.domains.dns.sethosts") == 0)
        }
    }

    @Test func throttlingIsHTTP405AndTheBudgetAvoidsIt() async throws {
        // Without its budget the client runs into the real 20/minute window.
        try await withNamecheap(limits: .namecheap, retry: .none) { rig in
            var hit: ProviderError?
            for _ in 0..<22 {
                if let e = await providerFailure({ _ = try await rig.client.getHosts(zone) }) { hit = e; break }
            }
            #expect(hit?.kind == .rateLimited)
            #expect(hit?.message.contains("405") == true)
            #expect(rig.emulator.counters.throttled("namecheap.domains.dns.gethosts") == 1)
        }
        // The same windows, scaled to seconds, on both sides: the budget keeps every request under them.
        // The margin absorbs send-to-arrival jitter; on a loaded 2-core CI machine 0.3 s was not enough.
        let windows = [RateWindow(limit: 4, seconds: 1), RateWindow(limit: 7, seconds: 3)]
        try await withNamecheap(limits: ServerRateLimits(windows: windows),
                                budget: RateBudget(windows: windows, margin: 0.8), retry: .none) { rig in
            for _ in 0..<12 { _ = try await rig.client.getHosts(zone) }
            #expect(rig.emulator.counters.totalThrottled == 0)
            #expect(rig.emulator.counters.requests("namecheap.domains.dns.gethosts") == 12)
        }
    }
}
