import Foundation
import Hummingbird
import Inventory
import NIOCore

/// `POST /inbound/mailgun`: public, like the webhooks. Answered with a bare
/// status (the reason is logged): 200 once the reply is durable, 406 for
/// what can never verify, another 4xx for a bad form, 503 only when the
/// store cannot commit (Mailgun retries the forward).
public struct InboundRoutes: MonitorRoutes {
    public let intake: InboundIntake
    /// Seconds since 1970 (a seam for tests of freshness).
    let clock: @Sendable () -> Double

    public init(intake: InboundIntake, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.intake = intake; self.clock = clock
    }

    public func add(to router: Router<BasicRequestContext>) {
        let intake = self.intake, clock = self.clock
        router.post(RouterPath(stringLiteral: DesiredRoute.inboundPath)) { request, _ -> Response in
            let body = try? await request.body.collect(upTo: intake.settings.maxBodyBytes)
            let verdict = intake.handle(body: body.map { Data(buffer: $0) }, contentType: request.headers[.contentType], now: clock())
            return WebhookRoutes.reply(verdict)
        }
    }
}
