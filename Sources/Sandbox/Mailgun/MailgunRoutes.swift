import DNSRecords
import Foundation
import Hummingbird
import NIOCore
import Providers

/// The Mailgun emulator's HTTP surface (mail-platforms.md §1). Answers follow the
/// recordings where they differ from the docs (flat route update, generated
/// password on credential update without one, "will be deleted in the background").
struct MailgunRoutes: Sendable {
    let state: MailgunEmulatorState
    let apiKey: String
    let signingKey: String
    let region: MailgunRegion
    let sendThrottles: Locked<[Int]>
    let webhooks: MailgunWebhookDispatcher

    static let traits = EmulatorTraits(
        endpoint: { request, _ in "\(request.method.rawValue) \(MailgunRoutes.endpointName(request.uri.path))" },
        rateKey: { _, _, _ in "account" },
        // Domains/Webhooks API throttle body (§1.3, legacy docs).
        throttled: { MailReply.object(["retry-seconds": 60], status: 429) },
        unavailable: { MailReply.text(503, "<html><body><h1>503 Service Unavailable</h1></body></html>", contentType: "text/html") })

    /// Path with names and ids replaced, for the request counters.
    static func endpointName(_ path: String) -> String {
        "/" + path.split(separator: "/").map { p in
            p.contains(".") || p.contains("@") || (p.count >= 20 && p.allSatisfy(\.isHexDigit)) ? ":id" : String(p)
        }.joined(separator: "/")
    }

    func router(gate: EmulatorGate) -> Router<EmulatorContext> {
        let router = Router(context: EmulatorContext.self)
        router.add(middleware: gate)
        router.add(middleware: MailgunAuth(apiKey: apiKey))
        addDomains(router)
        addDomainsV3(router)
        addCredentials(router)
        addWebhooks(router)
        addRoutes(router)
        addSuppressions(router)
        addMessages(router)
        addInbound(router)
        return router
    }

    static func param(_ context: EmulatorContext, _ name: String) -> String {
        let raw = context.parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    func domainNotFound(_ name: String) -> Response { MailReply.message("Domain not found", status: 404) }

    func domainBody(_ s: MailgunEmulatorState.DomainState, message: String?) -> MailgunDomainResponse {
        MailgunDomainResponse(message: message, domain: s.domain, receivingDNSRecords: s.records.receiving,
                              sendingDNSRecords: s.records.sending)
    }
}
