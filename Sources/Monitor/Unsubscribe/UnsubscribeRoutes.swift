import Foundation
import Hummingbird
import NIOCore
import Sender
import Store

/// `GET|POST /u/TOKEN` (public). POST with `List-Unsubscribe=One-Click`
/// (RFC 8058) suppresses the recipient fleet-wide at once and answers 200,
/// no redirect; GET shows a confirmation page whose button makes that POST.
/// Tokens are checked with the sender's own `UnsubscribeLink`; a forged or
/// garbled one gets the same generic 400 page whatever is wrong with it.
public struct UnsubscribeRoutes: MonitorRoutes {
    public let link: UnsubscribeLink
    public let store: any SendingStore
    let log: @Sendable (String) -> Void
    let clock: @Sendable () -> Double

    public init(link: UnsubscribeLink, store: any SendingStore, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
                log: @escaping @Sendable (String) -> Void) {
        self.link = link; self.store = store; self.clock = clock; self.log = log
    }

    public func add(to router: Router<BasicRequestContext>) {
        let routes = self
        router.get("/u/:token") { _, context -> Response in
            guard routes.email(context) != nil else { return Self.invalid() }
            return Self.html(200, UnsubscribePages.confirm.render(["done": false, "action": ""]))
        }
        router.post("/u/:token") { request, context -> Response in
            guard let email = routes.email(context) else { return Self.invalid() }
            let body = (try? await request.body.collect(upTo: 4096)).map { String(buffer: $0) } ?? ""
            // RFC 8058: the body names the one-click action (form-encoded or multipart).
            guard body.contains("List-Unsubscribe"), body.contains("One-Click") else { return Self.invalid() }
            do {
                // Repeating is harmless: an address already suppressed records nothing new.
                if try routes.store.suppression(email: email) == nil {
                    try routes.store.record(event: SendingEvent(at: routes.clock(), kind: .unsubscribe, email: email, detail: "one-click"))
                }
            } catch {
                routes.log("unsubscribe not stored: \(error)")
                return Self.html(503, "<!doctype html><title>Try again</title><p>Please try again in a minute.</p>")
            }
            return Self.html(200, UnsubscribePages.confirm.render(["done": true]))
        }
    }

    func email(_ context: BasicRequestContext) -> String? {
        context.parameters.get("token").flatMap { $0.utf8.count <= 512 ? link.verify($0) : nil }
    }

    static func invalid() -> Response { html(400, UnsubscribePages.invalid) }

    static func html(_ status: Int, _ text: String) -> Response {
        Response(status: .init(code: status),
                 headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
