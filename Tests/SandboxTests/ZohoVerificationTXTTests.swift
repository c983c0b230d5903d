import DNSRecords
import Testing
@testable import Sandbox

/// The emulator reads the ownership TXT on its own (from the documented
/// shape), so these pin that reading and check it agrees with what the
/// apply side publishes, for every data centre.
@Suite struct ZohoVerificationTXTTests {
    @Test func readsTheDocumentedExample() {
        // mail-platforms.md 2.4: `zoho-verification=zb60906216.zmverify.zoho.com`.
        #expect(ZohoVerificationTXT("zoho-verification=zb60906216.zmverify.zoho.com")
                == ZohoVerificationTXT(code: "zb60906216", dataCentre: "com"))
        #expect(ZohoVerificationTXT("  \"zoho-verification=zb1.zmverify.zoho.com.au\" ")
                == ZohoVerificationTXT(code: "zb1", dataCentre: "com.au"))
    }

    @Test(arguments: [
        "v=spf1 include:zoho.com ~all",
        "zoho-verification=zb60906216",
        "zoho-verification=.zmverify.zoho.com",
        "zoho-verification=zb60906216.zmverify.zoho.",
        "zoho-verification=zb60906216.verify.zoho.com",
        "zoho-verify=zb60906216.zmverify.zoho.com",
    ])
    func refusesWhatIsNotAVerificationRecord(_ value: String) {
        #expect(ZohoVerificationTXT(value) == nil)
    }

    @Test func aCodeOrDataCentreMismatchDoesNotVerify() {
        let want = ZohoVerificationTXT(code: "zb60906216", dataCentre: "eu")
        #expect(ZohoVerificationTXT("zoho-verification=zb60906216.zmverify.zoho.com") != want)
        #expect(ZohoVerificationTXT("zoho-verification=zb60906217.zmverify.zoho.eu") != want)
        #expect(ZohoVerificationTXT("zoho-verification=zb60906216.zmverify.zoho.eu") == want)
    }

    @Test(arguments: ZohoRegion.allCases)
    func agreesWithWhatTheApplySidePublishes(_ region: ZohoRegion) {
        #expect(ZohoVerificationTXT(region.verificationTXT(code: "zb42"))
                == ZohoVerificationTXT(code: "zb42", dataCentre: region.rawValue))
    }
}
