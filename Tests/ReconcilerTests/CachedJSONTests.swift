import DNSRecords
import Foundation
import Providers
import Store
import Testing
@testable import Reconciler

/// The observation cache's own reader (`CachedJSONDecodable`) against
/// `JSONDecoder`, which it replaces on the warm plan's path: equal values
/// for everything the cache holds, a located error for anything else.
@Suite struct CachedJSONTests {
    /// What `CachedReader.store` writes.
    static func cached<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }

    static func expectSame<T: CachedJSONDecodable & Equatable>(_ type: T.Type, _ data: Data,
                                                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let slow = try JSONDecoder().decode(T.self, from: data)
        let fast = try CachedJSON.read(T.self, from: data)
        #expect(fast == slow, "\(String(decoding: data, as: UTF8.self))", sourceLocation: sourceLocation)
    }

    /// A converged mail fleet's real cache (Porkbun, Namecheap, both Mailgun
    /// regions, Zoho): every entry reads the same both ways.
    @Test func aConvergedFleetsCacheReadsAsJSONDecoderReadsIt() async throws {
        let (porkbun, org) = try ExampleInventory.domains(.porkbun)
        let (namecheap, _) = try ExampleInventory.domains(.namecheap)
        let world = try await MailWorld(domains: porkbun.map(\.name), namecheapDomains: namecheap.map(\.name), zohoOrg: org)
        do {
            guard case .converged = try await world.converge(porkbun + namecheap) else {
                Issue.record("setup did not converge"); await world.stop(); return
            }
            _ = try await world.plan(porkbun + namecheap, refresh: .full)
            var seen: [String: Int] = [:]
            for o in try await ObservationCache(world.store).all() {
                switch o.kind {
                case ResourceKind.zone.rawValue: try Self.expectSame(ObservedZone.self, o.state)
                case ResourceKind.mailgunDomain.rawValue: try Self.expectSame(MailgunDomainReading.self, o.state)
                case ResourceKind.mailgunRoute.rawValue: try Self.expectSame(MailgunRoutesReading.self, o.state)
                case ResourceKind.zohoDomain.rawValue: try Self.expectSame(ZohoDomainReading.self, o.state)
                default: continue
                }
                seen[o.kind, default: 0] += 1
            }
            let domains = porkbun.count + namecheap.count
            #expect(seen[ResourceKind.zone.rawValue] == domains)
            #expect(seen[ResourceKind.mailgunDomain.rawValue] == domains)
            #expect(seen[ResourceKind.mailgunRoute.rawValue] == domains)
            #expect((seen[ResourceKind.zohoDomain.rawValue] ?? 0) > 0)
        } catch {
            await world.stop()
            throw error
        }
        await world.stop()
    }

    /// Shapes a converged example fleet does not hold: foreign records,
    /// registrar defaults of both kinds, forwards, escapes, non-ASCII text,
    /// absent optionals, an absent `forwards` (caches from before forwards).
    @Test func everyFieldAndEscapeReadsTheSame() throws {
        let mx = DNSRecord(name: "acme.eu", type: .MX, ttl: 600, priority: 10, value: "mx.zoho.eu")
        let txt = DNSRecord(name: "acme.eu", type: .TXT, ttl: 300, value: "quote \" backslash \\ slash / tab \t nl \n é ✓ 😀 \u{1}")
        let foreign = ForeignRecord(name: "acme.eu", type: "ALIAS", ttl: 600, value: "pixie.porkbun.com")
        let srv = ForeignRecord(name: "_sip._tcp.acme.eu", type: "SRV", ttl: 600, priority: 5, value: "0 5060 sip.acme.eu")
        let zone = ObservedZone(domain: "acme.eu", records: [txt, mx], foreign: [foreign, srv],
                                registrarDefaults: [.managed(mx), .foreign(foreign)],
                                forwards: [WebForward(host: "www", location: "https://acme.eu/?a=1&b=\"2\"", code: .temporary, keepPath: false)])
        try Self.expectSame(ObservedZone.self, try Self.cached(zone))
        try Self.expectSame(ObservedZone.self, Data(#"{"domain":"old.eu","foreign":[],"records":[],"registrarDefaults":[]}"#.utf8))

        let mailgun = ObservedMailgunDomain(account: "mailgun-eu", region: .eu, state: "unverified", dkimSelector: nil, dkimValue: nil,
                                            credentials: [], webhooks: [:])
        try Self.expectSame(MailgunDomainReading.self, try Self.cached(MailgunDomainReading(domain: mailgun)))
        try Self.expectSame(MailgunDomainReading.self, try Self.cached(MailgunDomainReading(domain: nil)))
        let zoho = ObservedZohoDomain(account: "zoho", orgID: "1", verified: false, hostingEnabled: false, verificationCode: nil,
                                      dkim: [ObservedZohoDKIM(id: "7", selector: "zmail", publicKey: nil, verified: false, isDefault: true)],
                                      users: [ObservedZohoUser(address: "anna@acme.eu", zuid: "1", accountID: "2", enabled: false)])
        try Self.expectSame(ZohoDomainReading.self, try Self.cached(ZohoDomainReading(domain: zoho)))
        try Self.expectSame(ZohoDomainReading.self, Data(#"{"domain":null}"#.utf8))

        // Routes as `MailgunRoute.init(from:)` takes them: a string priority, absent description and actions.
        try Self.expectSame(MailgunRoutesReading.self, Data(#"""
            { "account" : "mailgun-us", "region": "us", "extra": [1, -2.5e3, {"x": [true, false, null]}],
              "routes": [ {"id": "a", "priority": "7", "expression": "catch_all()"},
                          {"id": "b", "priority": 3, "description": "reconcile: \u00e9 \ud83d\ude00 \/", "expression": "x", "actions": [], "created_at": null} ] }
            """#.utf8))
    }

    /// The apply journal's outputs: the same map, and `JSONDecoder`'s error
    /// for what is not a map of strings.
    @Test func journalOutputsReadAsJSONDecoderReadsThem() throws {
        let outputs = ["password.version": "3", "dkim": "k=rsa; p=\"x\"\n", "é": "✓ 😀"]
        #expect(try CachedJSON.stringMap(from: try Self.cached(outputs)) == outputs)
        #expect(try CachedJSON.stringMap(from: Data("{}".utf8)).isEmpty)
        #expect(throws: DecodingError.self) { try CachedJSON.stringMap(from: Data(#"{"a":1}"#.utf8)) }
    }

    /// Bad bytes: a located error from the reader, and no value at all from
    /// `CachedJSON.decode` (the cache entry is then read from the provider).
    @Test func badDataIsALocatedError() throws {
        func failure<T: CachedJSONDecodable>(_ type: T.Type, _ text: String) -> CachedJSONReader.Failure? {
            do { _ = try CachedJSON.read(T.self, from: Data(text.utf8)); return nil } catch { return error as? CachedJSONReader.Failure }
        }
        #expect(failure(ObservedZone.self, #"{"domain":"a.eu","records":[{"name":"a.eu""#)?.description
                == "cached JSON, byte 42: unexpected end")
        #expect(failure(ObservedZone.self, #"{"domain":"a.eu","foreign":[],"registrarDefaults":[]}"#)?.message
                == "missing field \"records\"")
        #expect(failure(DNSRecord.self, #"{"name":"a.eu","type":"SPF","ttl":1,"value":""}"#)?.message == "unknown record type \"SPF\"")
        #expect(failure(DNSRecord.self, #"{"name":"a.eu","type":"A","ttl":1.5,"value":""}"#)?.description
                == "cached JSON, byte 32: expected an integer")
        #expect(failure(DNSRecord.self, #"{"name":"a\qb"}"#)?.message == "invalid escape")
        #expect(failure(DNSRecord.self, #"{"name":"a.eu","type":"A","ttl":1,"value":""} x"#)?.message == "unexpected data after the value")
        #expect(CachedJSON.decode(ObservedZone.self, from: Data("not json".utf8)) == nil)
        // A value only `JSONDecoder` reads (a fractional-looking integer) still reads, through it.
        let zone = CachedJSON.decode(ObservedZone.self, from: Data(
            #"{"domain":"a.eu","foreign":[],"registrarDefaults":[],"records":[{"name":"a.eu","type":"A","ttl":60.0,"value":"192.0.2.1"}]}"#.utf8))
        #expect(zone?.records.first?.ttl == 60)
    }
}
