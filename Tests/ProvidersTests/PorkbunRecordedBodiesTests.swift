import DNSRecords
import Foundation
import Testing
@testable import Providers

/// The real Porkbun bodies quoted in registrars.md (Part A) decode to the right values.
@Suite struct PorkbunRecordedBodiesTests {
    func decode<T: Decodable>(_ t: T.Type, _ json: String) throws -> T { try JSONDecoder().decode(t, from: Data(json.utf8)) }

    @Test func ping2024AndOlder() throws {
        let p = try decode(PorkbunWire.Ping.self, #"{"status":"SUCCESS","yourIp":"8.8.8.8","xForwardedFor":"8.8.8.8"}"#)
        #expect(p.status == "SUCCESS" && p.yourIp == "8.8.8.8" && p.credentialsValid == nil)
        let old = try decode(PorkbunWire.Ping.self, #"{"status":"SUCCESS","yourIp":"1.2.3.4"}"#)
        #expect(old.yourIp == "1.2.3.4")
    }

    @Test func listAllSampleAndFlagChaos() throws {
        let sample = #"{"status":"SUCCESS","domains":[{"domain":"x.com","status":"ACTIVE","tld":"com","createDate":"2021-09-14 09:40:58","expireDate":"2027-09-14 09:40:58","securityLock":"1","whoisPrivacy":"1","autoRenew":"1","notLocal":0}]}"#
        let d = try #require(try decode(PorkbunWire.DomainList.self, sample).domains?.first)
        #expect(d.domain == "x.com")
        #expect(d.securityLock?.value == true && d.whoisPrivacy?.value == true && d.autoRenew?.value == true)
        #expect(d.notLocal?.value == false)
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: try #require(d.expires))
        #expect([c.year, c.month, c.day, c.hour, c.minute, c.second] == [2027, 9, 14, 9, 40, 58])
        let chaos = #"{"status":"SUCCESS","count":3,"domains":[{"domain":"a.com","securityLock":0,"autoRenew":1,"apiAccess":1},{"domain":"b.com","securityLock":"","autoRenew":0,"whoisPrivacy":null},{"domain":"c.com","autoRenew":"0"}]}"#
        let ds = try #require(try decode(PorkbunWire.DomainList.self, chaos).domains)
        #expect(ds.map { $0.securityLock?.value ?? false } == [false, false, false])
        #expect(ds.map { $0.autoRenew?.value ?? false } == [true, false, false])
        #expect(ds[0].apiAccess?.value == true)
    }

    @Test func retrieveSampleMapsToCanonicalRecords() throws {
        let body = #"{"status":"SUCCESS","cloudflare":"enabled","records":[{"id":"421658077","name":"example.xyz","type":"A","content":"8.8.8.8","ttl":"600","prio":"0","notes":null},{"id":"421658078","name":"www.example.xyz","type":"CNAME","content":"example.xyz","ttl":"600","prio":null,"notes":""},{"id":"421658079","name":"example.xyz","type":"MX","content":"mx.example.net","ttl":"3600","prio":"10"},{"id":"1","name":"example.xyz","type":"NS","content":"maceio.porkbun.com","ttl":"86400","prio":null,"notes":null},{"id":"2","name":"example.xyz","type":"ALIAS","content":"pixie.porkbun.com","ttl":"600","prio":null,"notes":null}]}"#
        let rows = try #require(try decode(PorkbunWire.Records.self, body).records)
        #expect(rows[0].id.value == "421658077" && rows[0].ttl?.int == 600 && rows[0].prio?.int == 0 && rows[0].notes == nil)
        let provider = PorkbunProvider(client: PorkbunClient(credentials: PorkbunCredentials(apiKey: "k", secretKey: "s")))
        let z = provider.observed("example.xyz", rows)
        #expect(z.records.count == 3)   // apex NS dropped, ALIAS is foreign
        #expect(z.records.contains(DNSRecord(name: "example.xyz", type: .A, ttl: 600, value: "8.8.8.8")))
        #expect(z.records.contains(DNSRecord(name: "www.example.xyz", type: .CNAME, ttl: 600, value: "example.xyz")))
        #expect(z.records.contains(DNSRecord(name: "example.xyz", type: .MX, ttl: 3600, priority: 10, value: "mx.example.net")))
        #expect(z.foreign == [ForeignRecord(name: "example.xyz", type: "ALIAS", ttl: 600, value: "pixie.porkbun.com")])
        #expect(z.registrarDefaults.count == 1)
    }

    @Test func createAnswersANumberAndErrorsAreJSON() throws {
        #expect(try decode(PorkbunWire.Created.self, #"{"status":"SUCCESS","id":432480902}"#).id?.value == "432480902")
        #expect(try decode(PorkbunWire.Created.self, #"{"status":"SUCCESS","id":"432480902"}"#).id?.value == "432480902")
        let e = try decode(PorkbunWire.Envelope.self, #"{"status":"ERROR","message":"Edit error: We were unable to edit the DNS record."}"#)
        #expect(e.status == "ERROR")
        #expect(PorkbunClient.kind(of: e.message!) == .invalidRequest)
        #expect(PorkbunClient.kind(of: "Invalid API key. (002)") == .authentication)
        #expect(PorkbunClient.kind(of: "Domain is not opted in to API access.") == .authentication)
        #expect(PorkbunClient.kind(of: "Invalid domain.") == .notFound)
        #expect(PorkbunClient.kind(of: "Invalid record ID.") == .notFound)
    }

    @Test func getNsWithTrailingDotsCompareEqual() throws {
        let ns = try decode(PorkbunWire.Nameservers.self, #"{"status":"SUCCESS","ns":["salvador.ns.porkbun.com.","curitiba.ns.porkbun.com","fortaleza.ns.porkbun.com.","maceio.ns.porkbun.com"]}"#).ns!
        #expect(Delegation(nameservers: ns, registrarNameservers: PorkbunWire.defaultNameservers).usesRegistrarDNS)
    }

    @Test func throttlingPageIsClassifiedRetryable() {
        let html = ProviderResponse(status: 503, body: Data("<html><head><title>503 Service Temporarily Unavailable</title></head><body><center>openresty</center></body></html>".utf8))
        guard case .retry(_, let throttled, _, _) = PorkbunClient.classifier.classify(html)! else { Issue.record("not retry"); return }
        #expect(throttled)
        let waf = ProviderResponse(status: 202, headers: ["x-amzn-waf-action": "challenge"], body: Data("<html/>".utf8))
        #expect(PorkbunClient.classifier.classify(waf) != nil)
        let json400 = ProviderResponse(status: 400, body: Data(#"{"status":"ERROR","message":"Invalid domain."}"#.utf8))
        #expect(PorkbunClient.classifier.classify(json400) == nil)
    }
}
