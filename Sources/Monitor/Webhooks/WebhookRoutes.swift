import Foundation
import Hummingbird
import Inventory
import NIOCore

/// `POST /webhooks/mailgun`: public. The body is read up to the limit (a
/// larger one is refused without reading on), the intake judges it, and the
/// answer is only a status — the reason is logged, nothing about the fleet is said.
public struct WebhookRoutes: MonitorRoutes {
    public let intake: WebhookIntake
    /// Seconds since 1970 (a seam for tests of freshness).
    let clock: @Sendable () -> Double

    public init(intake: WebhookIntake, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.intake = intake; self.clock = clock
    }

    public func add(to router: Router<BasicRequestContext>) {
        let intake = self.intake, clock = self.clock
        router.post(RouterPath(stringLiteral: DesiredWebhook.path)) { request, _ -> Response in
            let verdict: WebhookVerdict
            do {
                let body = try await request.body.collect(upTo: intake.settings.maxBodyBytes)
                verdict = await intake.handle(body: Data(buffer: body), contentType: request.headers[.contentType], now: clock())
            } catch {
                verdict = await intake.handle(body: Data(count: intake.settings.maxBodyBytes + 1), contentType: request.headers[.contentType], now: clock())
            }
            return Self.reply(verdict)
        }
    }

    static func reply(_ v: WebhookVerdict) -> Response {
        let text: String
        switch v {
        case .accepted: text = "ok"
        case .duplicate: text = "ok (already processed)"
        // The reason goes to the log, not to an unauthenticated caller.
        case .rejected: text = "refused"
        case .unavailable: text = "try again later"
        }
        return Response(status: .init(code: v.status), headers: [.contentType: "text/plain; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}
