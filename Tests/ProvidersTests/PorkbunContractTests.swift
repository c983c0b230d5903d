import DNSRecords
import Foundation
import Testing
@testable import Providers
@testable import Sandbox

/// Every Porkbun client call against the emulator over real HTTP, with the
/// documented quirks and errors (registrars.md Part A).
@Suite struct PorkbunContractTests {
    let zone = "acme-mail.com"

    @Test func pingEchoesTheCallerAndRejectsWrongKeys() async throws {
        try await withPorkbun { rig in
            let ip = try await rig.client.ping()
            #expect(ip == "127.0.0.1")
            let bad = PorkbunClient(baseURL: rig.client.baseURL,
                                    credentials: PorkbunCredentials(apiKey: "pk1_wrongwrongwrong", secretKey: "sk1_wrongwrongwrong"),
                                    budget: .unlimited(), retry: fastRetry)
            let e = await providerFailure { try await bad.ping() }
            #expect(e?.kind == .authentication)
            #expect(e?.httpStatus == 400)
            #expect(e?.message == "Invalid API key. (002)")
            #expect(e?.description.contains("sk1_wrongwrongwrong") == false)
        }
    }

    @Test func listAllPagesThroughMoreThanAThousandDomains() async throws {
        let names = (0..<1005).map { String(format: "d%04d.com", $0) }
        try await withPorkbun(domains: names) { rig in
            let domains = try await rig.provider.listDomains()
            #expect(domains.count == 1005)
            #expect(Set(domains.map(\.name)) == Set(names))
            #expect(rig.emulator.counters.requests("domain/listAll") == 2)
            // Freshly bought: auto-renew on, locked, expiry about a year ahead — whatever the flag's JSON type.
            #expect(domains.allSatisfy { $0.autoRenew && $0.locked })
            let expiry = try #require(domains.first?.expires)
            #expect(abs(expiry.timeIntervalSinceNow - 365 * 86400) < 2 * 86400)
        }
    }

    @Test func nameserversRoundTripAndDelegationFollows() async throws {
        try await withPorkbun { rig in
            var d = try await rig.provider.delegation(of: zone)
            #expect(d.usesRegistrarDNS)
            #expect(d.nameservers == PorkbunWire.defaultNameservers.sorted())
            #expect(await !rig.emulator.dnsView.records(zone: zone).isEmpty)
            try await rig.client.updateNs(zone, ["ns1.elsewhere.net", "ns2.elsewhere.net"])
            d = try await rig.provider.delegation(of: zone)
            #expect(!d.usesRegistrarDNS)
            #expect(d.nameservers == ["ns1.elsewhere.net", "ns2.elsewhere.net"])
            #expect(await rig.emulator.dnsView.records(zone: zone).isEmpty)   // no longer served
            try await rig.provider.useRegistrarDNS(zone)
            let back = try await rig.provider.delegation(of: zone)
            #expect(back.usesRegistrarDNS)
            #expect(await !rig.emulator.dnsView.records(zone: zone).isEmpty)
        }
    }

    @Test func freshZoneShowsParkingDefaultsAndHidesApexNS() async throws {
        try await withPorkbun { rig in
            let z = try await rig.provider.zone(zone)
            #expect(!z.records.contains { $0.type == .NS })           // apex NS ignored
            #expect(z.records.contains { $0.type == .CNAME && $0.name == "*.\(zone)" && $0.value == "pixie.porkbun.com" })
            #expect(z.foreign.contains { $0.type == "ALIAS" && $0.name == zone })
            #expect(z.registrarDefaults.count == 4)                   // ALIAS, wildcard CNAME, two forwarding MX
            let raw = try await rig.client.retrieve(zone)
            #expect(raw.contains { $0.type == "NS" })                   // …but they are on the wire
        }
    }

    @Test func createIsNotIdempotentOnTheWireAndIdsAreStrings() async throws {
        try await withPorkbun { rig in
            let input = PorkbunRecordInput(name: "dup", type: "TXT", content: "hello", ttl: 600)
            let a = try await rig.client.create(zone, input)
            let b = try await rig.client.create(zone, input)
            #expect(a != b)
            #expect(Int(a) != nil && Int(b)! > Int(a)!)
            #expect(rig.truth(zone).filter { $0.name == "dup.\(zone)" }.count == 2)
            let one = try await rig.client.retrieve(zone, id: a)
            #expect(one?.id.value == a)
            #expect(one?.content == "hello")
        }
    }

    @Test func ttlBelow600ReadsBackAs600AndIsNotDrift() async throws {
        try await withPorkbun { rig in
            let want = DNSRecord(name: "low.\(zone)", type: .TXT, ttl: 300, value: "x")
            let after = try await rig.provider.apply(RecordChangeSet(domain: zone, create: [want]))
            let got = try #require(after.records.first { $0.name == want.name })
            #expect(got.ttl == 600)
            var desired: [DNSRecord] = [want]
            for r in after.records where r.key != got.key { desired.append(r) }
            let drift = RecordChangeSet.between(observed: after, desired: desired,
                                                capabilities: rig.provider.capabilities)
            #expect(drift.isEmpty)
        }
    }

    @Test func editByIdKeepsTheIdAndRenames() async throws {
        try await withPorkbun { rig in
            let id = try await rig.client.create(zone, PorkbunRecordInput(name: "orig.test", type: "A", content: "192.0.2.1", ttl: 600))
            try await rig.client.edit(zone, id: id, PorkbunRecordInput(name: "updated.test", type: "A", content: "192.0.2.2", ttl: 900))
            let row = try #require(try await rig.client.retrieve(zone, id: id))
            #expect(row.name == "updated.test.\(zone)")
            #expect(row.content == "192.0.2.2")
            #expect(row.ttl?.int == 900)
        }
    }

    @Test func noOpEditIsAnErrorOnTheWireButNotForTheProvider() async throws {
        try await withPorkbun { rig in
            let input = PorkbunRecordInput(name: "same", type: "TXT", content: "v", ttl: 600)
            let id = try await rig.client.create(zone, input)
            let e = await providerFailure { try await rig.client.edit(zone, id: id, input) }
            #expect(e?.kind == .invalidRequest)
            #expect(e?.message == "Edit error: We were unable to edit the DNS record.")
            // The provider never sends a no-op edit: an update whose target already exists is skipped.
            let r = DNSRecord(name: "same.\(zone)", type: .TXT, ttl: 600, value: "v")
            let before = rig.emulator.counters.requests("dns/edit")
            _ = try await rig.provider.apply(RecordChangeSet(domain: zone, update: [.init(from: r, to: r)]))
            #expect(rig.emulator.counters.requests("dns/edit") == before)
        }
    }

    @Test func deletingAMissingIdIsInvalidRecordIDAndTheProviderTreatsItAsGone() async throws {
        try await withPorkbun { rig in
            let e = await providerFailure { try await rig.client.delete(zone, id: "999") }
            #expect(e?.kind == .notFound)
            #expect(e?.message == "Invalid record ID.")
            let gone = DNSRecord(name: "never.\(zone)", type: .A, ttl: 600, value: "192.0.2.9")
            let z = try await rig.provider.apply(RecordChangeSet(domain: zone, delete: [gone]))
            #expect(!z.records.contains(gone))
        }
    }

    @Test func documentedErrors() async throws {
        try await withPorkbun { rig in
            let invalid = await providerFailure { _ = try await rig.client.retrieve("not-mine.com") }
            #expect(invalid?.kind == .notFound)
            #expect(invalid?.message == "Invalid domain.")
            rig.emulator.state.withValue { $0.domains[zone]!.apiAccess = false }
            let optIn = await providerFailure { _ = try await rig.client.retrieve(zone) }
            #expect(optIn?.kind == .authentication)
            #expect(optIn?.message == "Domain is not opted in to API access.")
            rig.emulator.state.withValue { $0.domains[zone]!.apiAccess = true }
            let apexCNAME = await providerFailure {
                _ = try await rig.client.create(zone, PorkbunRecordInput(name: "", type: "CNAME", content: "x.example.com", ttl: 600))
            }
            #expect(apexCNAME?.kind == .invalidRequest)
            #expect(apexCNAME?.message == "Create error: We were unable to create the DNS record.")
        }
    }

    @Test func throttlingIsAn503HTMLPageThatTheClientRetries() async throws {
        // The emulator's real server limits (2/s, bursts of 5); the client here sends without its budget.
        // Frozen server time, so the bucket cannot refill on a slow machine.
        try await withPorkbun(limits: .porkbun, retry: .none, serverClock: VirtualClock()) { rig in
            var throttled: ProviderError?
            for _ in 0..<8 {
                if let e = await providerFailure({ _ = try await rig.client.getNs(zone) }) { throttled = e; break }
            }
            #expect(throttled?.kind == .rateLimited)
            #expect(throttled?.message.contains("503") == true)
            #expect(rig.emulator.counters.throttled("domain/getNs") >= 1)
        }
        // With retries the same burst completes. Sent at once, so even a slow
        // machine cannot space the calls out enough for the bucket to refill.
        try await withPorkbun(limits: .porkbun, retry: RetryPolicy(maxAttempts: 10, baseDelay: 0.3, maxDelay: 1, totalBudget: 30)) { rig in
            let client = rig.client
            try await withThrowingTaskGroup(of: Void.self) { group in
                let z = zone
                for _ in 0..<8 { group.addTask { _ = try await client.getNs(z) } }
                try await group.waitForAll()
            }
            #expect(rig.emulator.counters.throttled("domain/getNs") >= 1)
        }
    }

    @Test(arguments: [Fault.timeout(hangSeconds: 2, afterExecution: true), .drop(afterExecution: true)])
    func createWhoseAnswerIsLostIsNeverDuplicated(_ fault: Fault) async throws {
        let profile: FaultProfile
        switch fault {
        case .timeout: profile = FaultProfile(timeout: 1, hangSeconds: 2, afterExecutionShare: 1)
        default: profile = FaultProfile(drop: 1, afterExecutionShare: 1)
        }
        let faults = FaultInjector(profile: profile, seed: 5, onlyEndpoints: ["dns/create"])
        try await withPorkbun(faults: faults, timeout: 1) { rig in
            let want = DNSRecord(name: "track.\(zone)", type: .CNAME, ttl: 600, value: "mailgun.org")
            let z = try await rig.provider.apply(RecordChangeSet(domain: zone, create: [want]))
            #expect(z.records.filter { $0.key == want.key }.count == 1)
            #expect(rig.truth(zone).filter { $0.name == "track.\(zone)" }.count == 1)
            #expect(rig.emulator.counters.requests("dns/create") == 1)   // re-read, not re-sent
        }
    }
}

@Suite struct PorkbunUpdateTests {
    let zone = "acme-mail.com"

    @Test func valueUpdateEditsInPlaceAndKeepsTheId() async throws {
        try await withPorkbun { rig in
            let old = DNSRecord(name: "app.\(zone)", type: .A, ttl: 600, value: "192.0.2.1")
            let new = DNSRecord(name: "app.\(zone)", type: .A, ttl: 900, value: "192.0.2.2")
            _ = try await rig.provider.apply(RecordChangeSet(domain: zone, create: [old]))
            let id = try #require(rig.truth(zone).first { $0.name == "app.\(zone)" }?.id)
            let z = try await rig.provider.apply(RecordChangeSet(domain: zone, update: [.init(from: old, to: new)]))
            #expect(z.records.contains(new))
            #expect(!z.records.contains { $0.key == old.key })
            #expect(rig.truth(zone).filter { $0.name == "app.\(zone)" }.map(\.id) == [id])
            #expect(rig.emulator.counters.requests("dns/edit") == 1)
            #expect(rig.emulator.counters.requests("dns/delete") == 0)
            // The same update again converges without writing.
            _ = try await rig.provider.apply(RecordChangeSet(domain: zone, update: [.init(from: old, to: new)]))
            #expect(rig.emulator.counters.requests("dns/edit") == 1)
        }
    }
}
