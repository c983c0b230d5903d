import Foundation
import Testing
@testable import Providers

@Suite struct HTTPRedactorTests {
    let key = "pk1_0123456789abcdef"
    let secret = "sk1_s3cr3t+/=value"

    @Test func scrubsKnownValuesEverywhere() {
        let r = Redactor(secrets: [key, secret])
        let text = "sent \(key) and \(secret) and encoded \(secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        let out = r.scrub(text)
        #expect(!out.contains(key))
        #expect(!out.contains("s3cr3t"))
        #expect(out.contains(Redactor.mask))
    }

    @Test func scrubsCredentialParametersByNameEvenWhenValueUnknown() {
        let r = Redactor()
        let url = "https://api.namecheap.com/xml.response?ApiUser=acme&ApiKey=abcdef123456&UserName=acme&Command=namecheap.domains.getList"
        let out = r.scrub(url)
        #expect(!out.contains("abcdef123456"))
        #expect(out.contains("ApiUser=acme"))
        #expect(out.contains("Command=namecheap.domains.getList"))
        let json = #"{"apikey":"pk1_zzz","secretapikey":"sk1_yyy","name":"www"}"#
        let j = r.scrub(json)
        #expect(!j.contains("pk1_zzz") && !j.contains("sk1_yyy"))
        #expect(j.contains(#""name":"www""#))
    }

    @Test func providerErrorNeverCarriesASecret() {
        let r = Redactor(secrets: [key])
        let e = ProviderError(kind: .authentication, provider: "namecheap", operation: "getHosts?ApiKey=\(key)",
                              domain: "acme.com", httpStatus: 200, code: "1011102",
                              message: "API Key \(key) is invalid", redactor: r)
        #expect(!e.description.contains(key))
        #expect(!"\(e)".contains(key))
        #expect(e.description.contains("namecheap"))
        #expect(e.description.contains("acme.com"))
        #expect(e.description.contains("1011102"))
        #expect(e.description.contains("HTTP 200"))
    }

    @Test func shortValuesAreNotTreatedAsSecrets() {
        // A 1-character "secret" would shred every message.
        let r = Redactor(secrets: ["a"])
        #expect(r.scrub("a cat") == "a cat")
    }
}
