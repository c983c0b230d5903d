import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import Providers
@testable import Sandbox

/// The emulators' wire behaviour seen with a bare HTTP client (no provider
/// client involved), for the quirks a third-party client would meet.
@Suite struct SandboxEmulatorWireTests {
    func get(_ url: URL) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    func post(_ url: URL, json: String) async throws -> (Int, String) {
        var r = URLRequest(url: url)
        r.httpMethod = "POST"
        r.httpBody = Data(json.utf8)
        r.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: r)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    @Test func namecheapMatchesParameterNamesWithoutCaseAndAnswersErrorsWith200() async throws {
        try await withNamecheap { rig in
            let base = rig.server.baseURL.absoluteString + NamecheapEmulator.path
            let ok = try await get(URL(string: base + "?apiuser=sandbox&apikey=\(rig.emulator.apiKey)&username=sandbox&ClientIP=127.0.0.1&command=namecheap.domains.dns.getHosts&sld=acme-outreach&tld=net")!)
            #expect(ok.0 == 200)
            #expect(ok.1.contains(#"Status="OK""#))
            #expect(ok.1.contains("<RequestedCommand>namecheap.domains.dns.gethosts</RequestedCommand>"))
            #expect(ok.1.contains(#"<CommandResponse Type="namecheap.domains.dns.getHosts">"#))
            #expect(ok.1.contains("<host "))
            let noIP = try await get(URL(string: base + "?ApiUser=sandbox&ApiKey=\(rig.emulator.apiKey)&UserName=sandbox&Command=namecheap.domains.getList")!)
            #expect(noIP.0 == 200)
            #expect(noIP.1.contains(#"Status="ERROR""#) && noIP.1.contains(#"Number="1010105""#))
        }
    }

    @Test func porkbunCreateTakesStringTTLAndAnswersANumberId() async throws {
        try await withPorkbun { rig in
            let base = rig.client.baseURL.absoluteString
            let auth = #""apikey":"\#(rig.emulator.apiKey)","secretapikey":"\#(rig.emulator.secretKey)""#
            let created = try await post(URL(string: base + "/dns/create/acme-mail.com")!,
                                         json: #"{\#(auth),"name":"Www2","type":"A","content":"192.0.2.7","ttl":"300"}"#)
            #expect(created.0 == 200)
            let obj = try #require(try JSONSerialization.jsonObject(with: Data(created.1.utf8)) as? [String: Any])
            #expect(obj["id"] is NSNumber)
            let row = try #require(rig.truth("acme-mail.com").first { $0.name == "www2.acme-mail.com" })
            #expect(row.ttl == 600)
            let bad = try await post(URL(string: base + "/dns/retrieve/acme-mail.com")!, json: #"{"apikey":"x","secretapikey":"y"}"#)
            #expect(bad.0 == 400)
            #expect(bad.1.contains("Invalid API key. (002)"))
        }
    }

    @Test func porkbunThrottleIsTheOpenrestyPage() async throws {
        try await withPorkbun(limits: .porkbun) { rig in
            let url = URL(string: rig.client.baseURL.absoluteString + "/ping")!
            var statuses: [Int] = []
            var last = ""
            for _ in 0..<7 {
                let r = try await post(url, json: #"{"apikey":"\#(rig.emulator.apiKey)","secretapikey":"\#(rig.emulator.secretKey)"}"#)
                statuses.append(r.0)
                last = r.1
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == 200 })
            #expect(statuses.last == 503)
            #expect(last.contains("503 Service Temporarily Unavailable") && last.contains("openresty"))
        }
    }
}
