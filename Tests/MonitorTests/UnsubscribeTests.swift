import Foundation
import Monitor
import Sender
import Store
import Testing

/// `GET|POST /u/TOKEN` over real HTTP with tokens made by the sender's own link.
@Suite(.serialized) struct UnsubscribeTests {
    let oneClick = Data("List-Unsubscribe=One-Click".utf8)
    let form = "application/x-www-form-urlencoded"

    @Test func oneClickPostSuppressesAtOnceAndStopsEveryPlannedMessage() async throws {
        try await MonitorHarness.with { h in
            let email = "reader@example.net"
            for c in ["a", "b"] {
                _ = try h.store.enqueue(campaign: CampaignRecord(id: c, group: "g1", definition: "{}", stepDelays: [0], stopOnReply: true,
                                                                 stopOnBounce: true),
                                        recipients: [Enrollment(email: email, timeZone: nil, variables: [:])], now: 0)
            }
            let path = "/u/" + h.link.token(for: email)
            let r = try await h.post(path, body: oneClick, contentType: form)
            #expect(r.status == 200)
            #expect(r.body.contains("unsubscribed"))
            #expect(try h.store.suppression(email: email)?.reason == "unsubscribe")
            #expect(try h.store.messages(state: .planned).isEmpty)
            #expect(try h.store.messages(state: .stopped).count == 2)
            // Repeating is harmless: still 200, still one event.
            #expect(try await h.post(path, body: oneClick, contentType: form).status == 200)
            #expect(try h.store.events(kind: .unsubscribe).count == 1)
            // And no later enqueue reaches the address.
            let report = try h.store.enqueue(campaign: CampaignRecord(id: "later", group: "g1", definition: "{}", stepDelays: [0],
                                                                      stopOnReply: true, stopOnBounce: true),
                                             recipients: [Enrollment(email: "Reader@Example.net", timeZone: nil, variables: [:])], now: 0)
            #expect(report.suppressed == 1)
        }
    }

    @Test func getShowsASelfContainedConfirmationPageWhoseButtonPostsOneClick() async throws {
        try await MonitorHarness.with { h in
            let r = try await h.get("/u/" + h.link.token(for: "reader@example.net"))
            #expect(r.status == 200)
            #expect(r.body.contains("<form method=\"post\""))
            #expect(r.body.contains("name=\"List-Unsubscribe\" value=\"One-Click\""))
            #expect(!r.body.contains("http://") && !r.body.contains("https://") && !r.body.contains("<script"))
            #expect(try h.store.suppression(email: "reader@example.net") == nil)
        }
    }

    @Test func forgedGarbledAndForeignTokensGetTheSameGeneric400() async throws {
        try await MonitorHarness.with { h in
            let victim = "victim@example.net"
            let genuine = h.link.token(for: victim)
            let foreign = UnsubscribeLink(baseURL: "https://x/u", secret: "another-secret").token(for: victim)
            let forged = String(genuine.dropLast()) + (genuine.hasSuffix("A") ? "B" : "A")
            let tokens = [forged, foreign, "garbage", "a.b.c", String(repeating: "x", count: 2000), genuine.components(separatedBy: ".")[0]]
            var pages = Set<String>()
            for t in tokens {
                let path = "/u/" + (t.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? t)
                let get = try await h.get(path)
                let post = try await h.post(path, body: oneClick, contentType: form)
                #expect(get.status == 400 && post.status == 400, "\(t.prefix(20))")
                #expect(!get.body.contains("victim") && !post.body.contains("victim"))
                pages.insert(get.body); pages.insert(post.body)
            }
            #expect(pages.count == 1)
            #expect(try h.store.suppression(email: victim) == nil)
            #expect(try h.store.events(kind: nil).isEmpty)
            // A genuine token without the one-click body does nothing either.
            #expect(try await h.post("/u/" + genuine, body: Data("x=1".utf8), contentType: form).status == 400)
            #expect(try h.store.suppression(email: victim) == nil)
        }
    }
}
