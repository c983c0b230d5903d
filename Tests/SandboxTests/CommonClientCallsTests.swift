import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import Providers
@testable import Sandbox

/// The calls well-known clients make first, asked over real HTTP as a team's
/// own script would (no client of ours in between): Telegram `getMe`,
/// Namecheap `domains.getInfo` and `users.getPricing`, Porkbun `pricing/get`,
/// Mailgun's v3 domain endpoints beside v4.
@Suite struct CommonClientCallsTests {
    // MARK: HTTP

    /// Runs `body`, then `stop`, also when `body` throws: every server a test starts is stopped.
    static func stopping(_ stop: () async -> Void, _ body: () async throws -> Void) async throws {
        do { try await body() } catch { await stop(); throw error }
        await stop()
    }

    struct Answer {
        var status: Int
        var body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func call(_ url: URL, method: String = "GET", body: String? = nil, contentType: String? = nil,
                     basicAuth: String? = nil) async throws -> Answer {
        var r = URLRequest(url: url)
        r.httpMethod = method
        if let body { r.httpBody = Data(body.utf8) }
        if let contentType { r.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        if let basicAuth { r.setValue("Basic " + Data(basicAuth.utf8).base64EncodedString(), forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: r)
        return Answer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }

    // MARK: Telegram getMe

    @Test func telegramGetMeDescribesTheBotAndRefusesABadToken() async throws {
        let token = "987654321:SANDBOX-test-token"
        let tg = try await TelegramEmulator.start(token: token, chatIDs: ["-1001"])
        try await Self.stopping({ await tg.stop() }) {
            for method in ["GET", "POST"] {
                let a = try await Self.call(URL(string: "\(tg.url.absoluteString)/bot\(token)/getMe")!, method: method)
                #expect(a.status == 200)
                #expect(a.json["ok"] as? Bool == true)
                let user = try #require(a.json["result"] as? [String: Any])
                #expect(user["id"] as? Int == 987654321)   // the number before the token's colon
                #expect(user["is_bot"] as? Bool == true)
                #expect((user["first_name"] as? String)?.isEmpty == false)
                #expect(user["username"] as? String == "reconcile_sandbox_bot")
                #expect(user["can_join_groups"] as? Bool == true)
                #expect(user["can_read_all_group_messages"] as? Bool == false)
                #expect(user["supports_inline_queries"] as? Bool == false)
            }
            let bad = try await Self.call(URL(string: "\(tg.url.absoluteString)/bot987654321:WRONG/getMe")!)
            #expect(bad.status == 401)
            #expect(bad.json.count == 3)
            #expect(bad.json["ok"] as? Bool == false)
            #expect(bad.json["error_code"] as? Int == 401)
            #expect(bad.json["description"] as? String == "Unauthorized")
            #expect(tg.counters.requests("getMe") == 3)
        }
    }

    // MARK: Namecheap getInfo

    static func namecheap(_ base: URL, _ emulator: NamecheapEmulator, _ params: [String: String], apiKey: String? = nil) async throws -> XMLTree {
        var items = [URLQueryItem(name: "ApiUser", value: emulator.apiUser), URLQueryItem(name: "ApiKey", value: apiKey ?? emulator.apiKey),
                     URLQueryItem(name: "UserName", value: emulator.userName), URLQueryItem(name: "ClientIp", value: "127.0.0.1")]
        items += params.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        var c = URLComponents(url: base.appendingPathComponent(NamecheapEmulator.path), resolvingAgainstBaseURL: false)!
        c.queryItems = items
        let a = try await call(c.url!)
        #expect(a.status == 200)   // errors too are HTTP 200 (B4)
        return try #require(XMLTree.parse(a.body))
    }

    @Test func namecheapGetInfoFindsTheDNSServersAndRefusesAnUnknownDomain() async throws {
        let emulator = NamecheapEmulator(limits: .unlimited)
        await emulator.register(["acme-outreach.net"])
        let server = try await emulator.start()
        try await Self.stopping({ await server.stop() }) {
            let info = try await Self.namecheap(server.baseURL, emulator, ["Command": "namecheap.domains.getInfo", "DomainName": "acme-outreach.net"])
            #expect(info.attribute("Status") == "OK")
            let r = try #require(info.child("CommandResponse")?.child("DomainGetInfoResult"))
            #expect(info.child("CommandResponse")?.attribute("Type") == "namecheap.domains.getInfo")
            #expect(r.attribute("Status") == "Ok")
            #expect(r.attribute("DomainName") == "acme-outreach.net")
            #expect(r.attribute("IsOwner") == "true")
            #expect(Int(r.attribute("ID") ?? "") ?? 0 > 0)
            let details = try #require(r.child("DomainDetails"))
            #expect(details.child("ExpiredDate")?.text.range(of: #"^\d{2}/\d{2}/\d{4}$"#, options: .regularExpression) != nil)
            #expect(r.child("Whoisguard")?.attribute("Enabled") == "True")
            #expect(r.child("PremiumDnsSubscription")?.child("SubscriptionId")?.text == "-1")
            var dns = try #require(r.child("DnsDetails"))
            #expect(dns.attribute("ProviderType") == "FREE")
            #expect(dns.attribute("IsUsingOurDNS") == "true")
            #expect(dns.attribute("HostCount") == "2")   // the two parking rows of a fresh domain (B3)
            #expect(dns.all("Nameserver").map(\.text) == ["dns1.registrar-servers.com", "dns2.registrar-servers.com"])
            #expect(r.child("Modificationrights")?.attribute("All") == "true")

            // Custom nameservers show as CUSTOM with the new names.
            _ = try await Self.namecheap(server.baseURL, emulator, ["Command": "namecheap.domains.dns.setCustom", "SLD": "acme-outreach",
                                                                     "TLD": "net", "Nameservers": "ns1.elsewhere.org,ns2.elsewhere.org"])
            let after = try await Self.namecheap(server.baseURL, emulator, ["Command": "namecheap.domains.getInfo", "DomainName": "acme-outreach.net"])
            dns = try #require(after.child("CommandResponse")?.child("DomainGetInfoResult")?.child("DnsDetails"))
            #expect(dns.attribute("ProviderType") == "CUSTOM")
            #expect(dns.attribute("IsUsingOurDNS") == "false")
            #expect(dns.all("Nameserver").map(\.text) == ["ns1.elsewhere.org", "ns2.elsewhere.org"])

            // Not in the account: 2030166 with the empty-ish result still present (B2).
            let unknown = try await Self.namecheap(server.baseURL, emulator, ["Command": "namecheap.domains.getInfo", "DomainName": "not-mine.com"])
            #expect(unknown.attribute("Status") == "ERROR")
            let e = try #require(unknown.child("Errors")?.child("Error"))
            #expect(e.attribute("Number") == "2030166")
            #expect(e.text == "Domain is invalid")
            #expect(unknown.child("CommandResponse")?.child("DomainGetInfoResult")?.attribute("ID") == "0")

            // Wrong key: the global authentication error, no result.
            let denied = try await Self.namecheap(server.baseURL, emulator, ["Command": "namecheap.domains.getInfo", "DomainName": "acme-outreach.net"],
                                                  apiKey: "wrong")
            #expect(denied.child("Errors")?.child("Error")?.attribute("Number") == "1011102")
            #expect(denied.child("CommandResponse") == nil)
        }
    }

    @Test func namecheapGetPricingAnswersTheDocumentedNesting() async throws {
        let emulator = NamecheapEmulator(limits: .unlimited)
        let server = try await emulator.start()
        try await Self.stopping({ await server.stop() }) {
            let x = try await Self.namecheap(server.baseURL, emulator, ["Command": "namecheap.users.getPricing", "ProductType": "DOMAIN",
                                                                        "ProductCategory": "DOMAINS", "ActionName": "RENEW", "ProductName": "COM"])
            let type = try #require(x.child("CommandResponse")?.child("UserGetPricingResult")?.child("ProductType"))
            #expect(type.attribute("Name") == "DOMAIN")
            #expect(type.all("ProductCategory").map { $0.attribute("Name") } == ["RENEW"])
            let product = try #require(type.child("ProductCategory")?.child("Product"))
            #expect(product.attribute("Name") == "com")
            let prices = product.all("Price")
            #expect(prices.map { $0.attribute("Duration") } == ["1", "2"])
            #expect(prices.allSatisfy { $0.attribute("DurationType") == "YEAR" && $0.attribute("Currency") == "USD" })
            #expect(prices.map { $0.attribute("YourPrice") } == ["18.48", "36.96"])
            // Without an action: every category; an unknown product type: nothing.
            let all = try await Self.namecheap(server.baseURL, emulator, ["Command": "namecheap.users.getPricing", "ProductType": "DOMAIN", "ProductName": "net"])
            #expect(all.child("CommandResponse")?.child("UserGetPricingResult")?.child("ProductType")?.all("ProductCategory")
                .map { $0.attribute("Name") ?? "" } == ["REGISTER", "RENEW", "REACTIVATE", "TRANSFER"])
            let missing = try await Self.namecheap(server.baseURL, emulator, ["Command": "namecheap.users.getPricing"])
            #expect(missing.attribute("Status") == "ERROR")
        }
    }

    // MARK: Porkbun pricing

    @Test func porkbunPricingNeedsNoKey() async throws {
        let emulator = PorkbunEmulator(limits: .unlimited)
        let server = try await emulator.start()
        try await Self.stopping({ await server.stop() }) {
            let url = server.baseURL.appendingPathComponent(PorkbunEmulator.basePath + "/pricing/get")
            let a = try await Self.call(url, method: "POST", body: "{}", contentType: "application/json")
            #expect(a.status == 200)
            #expect(a.json["status"] as? String == "SUCCESS")
            let com = try #require((a.json["pricing"] as? [String: Any])?["com"] as? [String: Any])
            #expect(com["registration"] as? String == "11.08")
            #expect(com["renewal"] as? String == "11.08")
            #expect(com["transfer"] as? String == "11.08")
            // Every other endpoint still wants the keys.
            let ping = try await Self.call(server.baseURL.appendingPathComponent(PorkbunEmulator.basePath + "/ping"), method: "POST", body: "{}",
                                           contentType: "application/json")
            #expect(ping.status == 400)
            #expect(ping.json["message"] as? String == "Invalid API key. (002)")
        }
    }

    // MARK: Mailgun v3 domains

    @Test func mailgunV3DomainsServeTheV3ShapeBesideV4() async throws {
        let key = "key-v3-test"
        let mg = try await MailgunEmulator.start(region: .us, dns: DNSView(), apiKey: key, signingKey: "sign")
        try await Self.stopping({ await mg.stop() }) {
            let auth = "api:\(key)"
            let form = "application/x-www-form-urlencoded"
            let created = try await Self.call(mg.url.appendingPathComponent("v3/domains"), method: "POST", body: "name=v3.example.com&spam_action=tag",
                                              contentType: form, basicAuth: auth)
            #expect(created.status == 200)
            #expect(created.json["message"] as? String == "Domain has been created")
            let domain = try #require(created.json["domain"] as? [String: Any])
            #expect(domain["name"] as? String == "v3.example.com")
            #expect(domain["state"] as? String == "unverified")
            #expect(domain["spam_action"] as? String == "tag")
            #expect(domain["smtp_login"] as? String == "postmaster@v3.example.com")
            // The v4-only fields are absent in v3.
            for v4Only in ["use_automatic_sender_security", "encrypt_incoming_message", "message_ttl"] { #expect(domain[v4Only] == nil) }
            let sending = try #require(created.json["sending_dns_records"] as? [[String: Any]])
            let receiving = try #require(created.json["receiving_dns_records"] as? [[String: Any]])
            #expect(receiving.map { $0["value"] as? String } == ["mxa.mailgun.org", "mxb.mailgun.org"])
            #expect((sending + receiving).allSatisfy { $0["is_active"] == nil && $0["record_type"] != nil && $0["valid"] != nil })
            // The legacy default key is 1024 bits: its base64 SubjectPublicKeyInfo is about 216 characters, 2048 bits about 392.
            let dkim = try #require(sending.first { ($0["name"] as? String)?.contains("._domainkey.") == true }?["value"] as? String)
            let p = try #require(dkim.components(separatedBy: "p=").last)
            #expect(p.count < 300)

            let got = try await Self.call(mg.url.appendingPathComponent("v3/domains/v3.example.com"), basicAuth: auth)
            #expect(got.status == 200)
            #expect(got.json["message"] == nil)
            #expect((got.json["domain"] as? [String: Any])?["name"] as? String == "v3.example.com")
            #expect((got.json["sending_dns_records"] as? [[String: Any]])?.count == sending.count)
            // The same domain through v4 keeps v4's shape.
            let v4 = try await Self.call(mg.url.appendingPathComponent("v4/domains/v3.example.com"), basicAuth: auth)
            #expect((v4.json["domain"] as? [String: Any])?["use_automatic_sender_security"] as? Bool == false)
            #expect((v4.json["sending_dns_records"] as? [[String: Any]])?.allSatisfy { $0["is_active"] != nil } == true)
            let list = try await Self.call(mg.url.appendingPathComponent("v3/domains"), basicAuth: auth)
            #expect(list.json["total_count"] as? Int == 1)

            let again = try await Self.call(mg.url.appendingPathComponent("v3/domains"), method: "POST", body: "name=v3.example.com",
                                            contentType: form, basicAuth: auth)
            #expect(again.status == 400)
            #expect(again.json["message"] as? String == "This domain name is already taken")
            let missing = try await Self.call(mg.url.appendingPathComponent("v3/domains/nobody.example.com"), basicAuth: auth)
            #expect(missing.status == 404)
            #expect(missing.json["message"] as? String == "Domain not found")
            let denied = try await Self.call(mg.url.appendingPathComponent("v3/domains/v3.example.com"), basicAuth: "api:wrong")
            #expect(denied.status == 401)
        }
    }
}
