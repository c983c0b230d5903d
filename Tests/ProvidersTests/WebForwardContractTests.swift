import DNSRecords
import Foundation
import Testing
@testable import Providers
@testable import Sandbox

/// URL forwarding through both registrars against their emulators over real
/// HTTP: Porkbun's forward endpoints (registrars.md A2) and Namecheap's
/// URL301/URL host rows written with the zone (B2).
@Suite struct WebForwardContractTests {
    let site = WebForward(host: "@", location: "https://acme.com", code: .permanent, keepPath: true)
    let www = WebForward(host: "www", location: "https://acme.com", code: .permanent, keepPath: true)

    @Test func porkbunAddListDeleteOverTheWire() async throws {
        let zone = "acme-mail.com"
        try await withPorkbun { rig in
            #expect(try await rig.client.getUrlForwarding(zone).isEmpty)
            try await rig.client.addUrlForward(zone, .init(subdomain: "", location: "https://acme.com", type: "temporary",
                                                            includePath: "no"))
            let listed = try await rig.client.getUrlForwarding(zone)
            #expect(listed.count == 1)
            #expect(listed[0].subdomain == "" && listed[0].type == "temporary" && listed[0].includePath?.value == "no")
            #expect(rig.emulator.state.value.domains[zone]?.forwards?.first?.location == "https://acme.com")
            // Porkbun serves it through its own ALIAS at the apex, which replaced the parking one.
            let apexAliases = rig.truth(zone).filter { $0.name == zone && $0.type == "ALIAS" }
            #expect(apexAliases.map(\.content) == [PorkbunEmulator.forwardingHost])
            try await rig.client.deleteUrlForward(zone, id: listed[0].id.value ?? "")
            #expect(try await rig.client.getUrlForwarding(zone).isEmpty)
            #expect(!rig.truth(zone).contains { $0.content == PorkbunEmulator.forwardingHost })
            let e = await providerFailure { try await rig.client.addUrlForward(zone, .init(subdomain: "", location: "acme.com",
                                                                                           type: "permanent", includePath: "yes")) }
            #expect(e?.httpStatus == 400)
        }
    }

    @Test func porkbunProviderOwnsTheServingRowsAndReplacesAChangedForward() async throws {
        let zone = "acme-mail.com"
        try await withPorkbun { rig in
            // The parking ALIAS is deleted and the forwards added in one change set.
            let fresh = try await rig.provider.zone(zone)
            let parking = try #require(fresh.foreign.first { $0.type == "ALIAS" })
            var after = try await rig.provider.apply(RecordChangeSet(domain: zone, deleteForeign: [parking], setForwards: [site, www]))
            #expect(after.forwards == [site, www])
            // The ALIAS/CNAME to Porkbun's forwarding host are the forwards' own: neither records nor foreign rows.
            #expect(!after.records.contains { $0.value.hasSuffix("porkbun.com") && $0.type == .CNAME && $0.name == "www.\(zone)" })
            #expect(!after.foreign.contains { $0.value == PorkbunEmulator.forwardingHost })
            #expect(rig.truth(zone).filter { $0.content == PorkbunEmulator.forwardingHost }.count == 2)

            // No edit: a changed forward is a delete and an add; the other host is untouched.
            let idsBefore = Set(rig.emulator.state.value.domains[zone]?.forwards?.map(\.id) ?? [])
            var moved = site
            moved.location = "https://acme.com/welcome"
            moved.code = .temporary
            after = try await rig.provider.apply(RecordChangeSet(domain: zone, setForwards: [moved]))
            #expect(after.forwards == [moved, www])
            let idsAfter = Set(rig.emulator.state.value.domains[zone]?.forwards?.map(\.id) ?? [])
            #expect(idsAfter.intersection(idsBefore).count == 1)
            #expect(rig.emulator.counters.requests("domain/deleteUrlForward") == 1)

            // The same change again writes nothing.
            let adds = rig.emulator.counters.requests("domain/addUrlForward")
            _ = try await rig.provider.apply(RecordChangeSet(domain: zone, setForwards: [moved]))
            #expect(rig.emulator.counters.requests("domain/addUrlForward") == adds)

            after = try await rig.provider.apply(RecordChangeSet(domain: zone, removeForwards: ["www"]))
            #expect(after.forwards == [moved])
            #expect(!rig.truth(zone).contains { $0.name == "www.\(zone)" })
        }
    }

    @Test func porkbunZoneWithoutPorkbunRowsSkipsTheForwardRead() async throws {
        let zone = "acme-mail.com"
        try await withPorkbun { rig in
            let fresh = try await rig.provider.zone(zone)
            let defaults = fresh.registrarDefaults
            var set = RecordChangeSet(domain: zone)
            for d in defaults {
                switch d {
                case .managed(let r): set.delete.append(r)
                case .foreign(let f): set.deleteForeign.append(f)
                }
            }
            _ = try await rig.provider.apply(set)
            let reads = rig.emulator.counters.requests("domain/getUrlForwarding")
            let zoneNow = try await rig.provider.zone(zone)
            #expect(zoneNow.forwards.isEmpty)
            #expect(rig.emulator.counters.requests("domain/getUrlForwarding") == reads)
        }
    }

    @Test func namecheapForwardsTravelInTheZonesSetHosts() async throws {
        let zone = "acme-outreach.net"
        try await withNamecheap { rig in
            let fresh = try await rig.provider.zone(zone)
            // The parking redirect is a registrar default, not a forward.
            #expect(fresh.forwards.isEmpty)
            let parking = try #require(fresh.foreign.first { $0.type == "URL" })
            let record = DNSRecord(name: zone, type: .TXT, ttl: 1800, value: "v=spf1 include:mailgun.org ~all")
            let temporary = WebForward(host: "www", location: "https://acme.com/", code: .temporary, keepPath: true)
            let writes = rig.emulator.counters.requests("namecheap.domains.dns.sethosts")
            let after = try await rig.provider.apply(RecordChangeSet(domain: zone, create: [record], deleteForeign: [parking],
                                                                    setForwards: [site, temporary]))
            #expect(rig.emulator.counters.requests("namecheap.domains.dns.sethosts") == writes + 1)
            #expect(after.forwards == [site, temporary])
            #expect(after.keys.contains(record.key))
            #expect(after.foreign.isEmpty)
            let rows = try #require(rig.truth(zone)).hosts
            #expect(rows.contains { $0.name == "@" && $0.type == "URL301" && $0.address == "https://acme.com" })
            #expect(rows.contains { $0.name == "www" && $0.type == "URL" && $0.address == "https://acme.com/" })

            // Removing www keeps the apex forward and the record.
            let again = try await rig.provider.apply(RecordChangeSet(domain: zone, removeForwards: ["www"]))
            #expect(again.forwards == [site])
            #expect(again.keys.contains(record.key))
        }
    }
}
