import DNSRecords
import Foundation
@testable import Providers
import Testing

/// Zoho's error shapes (§2.2): failure can be HTTP ≥ 400 *or* `status.code` ≥ 400
/// inside an HTTP 200, the body may be empty, and machine codes sit in `data.error`.
@Suite struct ZohoErrorShapeTests {
    let zoho = ZohoClient(region: .eu, orgID: "1", clientID: "cid", clientSecret: "secret-value", refreshToken: "1000.rt.value")

    func failure(_ status: Int, _ body: String) -> ProviderError? {
        zoho.failure(ProviderResponse(status: status, headers: ["content-type": "application/json"], body: Data(body.utf8)),
                     operation: "op", domain: "x.com")
    }

    @Test func shapes() {
        #expect(failure(200, #"{"status": {"code": 200, "description": "success"}, "data": {"status": false}}"#) == nil)
        let inside = failure(200, #"{"status": {"code": 400, "description": "Invalid Input"}, "data": {"moreInfo": "x.com is not verified"}}"#)
        #expect(inside?.kind == .invalidRequest)
        #expect(inside?.message == "x.com is not verified")
        #expect(inside?.httpStatus == 200)
        let token = failure(401, #"{"status": {"code": 401, "description": "Invalid Input"}, "data": {"error": "INVALID_OAUTHTOKEN", "moreInfo": "Invalid OAuth token"}}"#)
        #expect(token?.kind == .authentication)
        #expect(token?.code == "INVALID_OAUTHTOKEN")
        let empty = failure(500, "")
        #expect(empty?.kind == .transient)
        #expect(empty?.message == "HTTP 500")
        let machine = failure(400, #"{"status": {"code": 400, "description": "Invalid Input", "message": "remove hosting first"}, "data": {"error": "rmv_hosting_before_dlt_domain"}}"#)
        #expect(machine?.code == "RMV_HOSTING_BEFORE_DLT_DOMAIN")
        #expect(machine?.message == "remove hosting first")
        #expect(failure(404, #"{"status": {"code": 404, "description": "Not found"}}"#)?.kind == .notFound)
        #expect(ZohoRegion.eu.mailBase.absoluteString == "https://mail.zoho.eu")
        #expect(ZohoRegion.comAU.accountsBase.absoluteString == "https://accounts.zoho.com.au")
    }
}
