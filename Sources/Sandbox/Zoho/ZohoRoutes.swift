import DNSRecords
import Foundation
import Hummingbird
import NIOCore
import Providers

/// The Zoho emulator's HTTP surface (mail-platforms.md §2): `{"status", "data"}`
/// envelopes, verification failures inside HTTP 200, ids above 2^53 that arrive
/// as strings in some places and numbers in others, and HTTP-200 token errors.
struct ZohoRoutes: Sendable {
    let state: ZohoEmulatorState
    let clientID: String
    let clientSecret: String
    let refreshToken: String
    let tokenLifetime: Double

    static let traits = EmulatorTraits(
        endpoint: { request, _ in
            "\(request.method.rawValue) " + "/" + request.uri.path.split(separator: "/").map { p in
                p.contains(".") || p.contains("@") || p.allSatisfy(\.isNumber) ? ":id" : String(p)
            }.joined(separator: "/")
        },
        throttled: { ZohoRoutes.envelope(code: 429, description: "Too many requests", data: ["moreInfo": "Too many requests"]) })

    static func envelope(code: Int, description: String, data: Any? = nil, httpStatus: Int? = nil) -> Response {
        var body: [String: Any] = ["status": ["code": code, "description": description]]
        if let data { body["data"] = data }
        return MailReply.object(body, status: httpStatus ?? code)
    }

    static func ok(_ data: Any? = nil, code: Int = 200) -> Response {
        envelope(code: code, description: code == 201 ? "Created" : "success", data: data)
    }

    static func invalid(_ moreInfo: String, error: String? = nil, code: Int = 400) -> Response {
        var data: [String: Any] = ["moreInfo": moreInfo]
        if let error { data["error"] = error }
        return envelope(code: code, description: "Invalid Input", data: data)
    }

    func router(gate: EmulatorGate) -> Router<EmulatorContext> {
        let router = Router(context: EmulatorContext.self)
        router.add(middleware: gate)
        addToken(router)
        let api = router.group("api").add(middleware: ZohoAuth(state: state))
        addOrganization(api)
        addDomains(api)
        addUsers(api)
        return router
    }
}
