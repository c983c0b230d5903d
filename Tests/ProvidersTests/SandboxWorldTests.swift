import DNSRecords
import Foundation
import Testing
@testable import Providers
@testable import Sandbox

@Suite struct SandboxWorldTests {
    func clients(_ world: SandboxWorld) throws -> (PorkbunProvider, NamecheapProvider) {
        let p = try #require(world.service("porkbun")?.descriptor)
        let n = try #require(world.service("namecheap")?.descriptor)
        let porkbun = PorkbunClient(baseURL: URL(string: p["url"]!)!,
                                    credentials: PorkbunCredentials(apiKey: p["apikey"]!, secretKey: p["secretapikey"]!),
                                    budget: .unlimited(), retry: fastRetry)
        let namecheap = NamecheapClient(baseURL: URL(string: n["url"]!)!,
                                        credentials: NamecheapCredentials(apiUser: n["ApiUser"]!, apiKey: n["ApiKey"]!,
                                                                          userName: n["UserName"]!, clientIP: n["ClientIp"]!),
                                        budget: .unlimited(), retry: fastRetry)
        return (PorkbunProvider(client: porkbun), NamecheapProvider(client: namecheap))
    }

    @Test func seedParsing() throws {
        let s = try SandboxSeed.parse("porkbun:a.com, namecheap:B.net,porkbun:c.org")
        #expect(s.domains == ["porkbun": ["a.com", "c.org"], "namecheap": ["b.net"]])
        #expect(throws: SandboxSeedError.self) { try SandboxSeed.parse("porkbun") }
    }

    @Test func descriptorLineCarriesURLAndRealFieldNames() async throws {
        let world = try await SandboxWorld.start(seed: .demo, options: SandboxOptions(limits: false))
        do {
            let line = world.descriptorJSON()
            #expect(!line.contains("\n"))
            let obj = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: [String: String]])
            #expect(Set(obj.keys) == ["porkbun", "namecheap", "mailgun-us", "mailgun-eu", "zoho", "telegram"])
            #expect(Set(obj["porkbun"]!.keys) == ["url", "apikey", "secretapikey"])
            #expect(Set(obj["namecheap"]!.keys) == ["url", "ApiUser", "ApiKey", "UserName", "ClientIp"])
            // The credentials in the line really work.
            let (porkbun, namecheap) = try clients(world)
            #expect(try await porkbun.listDomains().map(\.name) == ["acme-mail.com"])
            #expect(try await namecheap.listDomains().map(\.name) == ["acme-outreach.net"])
            // Both zones are published in the shared DNS view.
            #expect(await world.dnsView.allZones() == ["acme-mail.com", "acme-outreach.net"])
            #expect(await world.dnsView.lookup("www.acme-outreach.net", .CNAME).first?.value == "parkingpage.namecheap.com")
        } catch { await world.stop(); throw error }
        await world.stop()
    }

    @Test func stateFileKeepsTheWorldBetweenRuns() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let txt = DNSRecord(name: "acme-mail.com", type: .TXT, ttl: 600, value: "persisted")
        let mx = DNSRecord(name: "acme-outreach.net", type: .MX, ttl: 1800, priority: 10, value: "mxa.mailgun.org")
        do {
            let world = try await SandboxWorld.start(seed: .demo, options: SandboxOptions(limits: false, statePath: path))
            let (porkbun, namecheap) = try clients(world)
            _ = try await porkbun.apply(RecordChangeSet(domain: "acme-mail.com", create: [txt]))
            _ = try await namecheap.apply(RecordChangeSet(domain: "acme-outreach.net", create: [mx]))
            await world.stop()
        }
        #expect(FileManager.default.fileExists(atPath: path))
        // Second run: no seed, the state file alone brings the world back.
        let world = try await SandboxWorld.start(seed: SandboxSeed(), options: SandboxOptions(limits: false, statePath: path))
        do {
            let (porkbun, namecheap) = try clients(world)
            #expect(try await porkbun.zone("acme-mail.com").records.contains(txt))
            #expect(try await namecheap.zone("acme-outreach.net").records.contains(mx))
            #expect(await world.dnsView.lookup("acme-mail.com", .TXT).contains(txt))
        } catch { await world.stop(); throw error }
        await world.stop()
    }
}
