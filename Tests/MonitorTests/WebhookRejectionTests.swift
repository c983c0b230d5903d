import Foundation
import Monitor
import Providers
import Sandbox
import Store
import Testing

/// Every refusal of issue #11 over real HTTP: 4xx, a logged reason, nothing
/// stored; a replay is answered 200 and changes nothing.
@Suite(.serialized) struct WebhookRejectionTests {
    @Test func forgedStaleFutureOversizedMalformedAreAllRefusedWith4xx() async throws {
        try await MonitorHarness.with { h in
            let e = MonitorHarness.event("delivered")
            let valid = MonitorHarness.webhook(e)
            var cases: [(String, Data, String?, Int)] = []
            cases.append(("forged key", MonitorHarness.webhook(e, key: "not-the-key"), "application/json", 406))
            var tampered = try JSONSerialization.jsonObject(with: valid) as! [String: Any]
            var sig = tampered["signature"] as! [String: Any]
            sig["token"] = "0000" + (sig["token"] as! String)
            tampered["signature"] = sig
            cases.append(("token swapped", try JSONSerialization.data(withJSONObject: tampered), "application/json", 406))
            sig.removeValue(forKey: "signature")
            tampered["signature"] = sig
            cases.append(("signature missing", try JSONSerialization.data(withJSONObject: tampered), "application/json", 400))
            cases.append(("stale", MonitorHarness.webhook(e, at: Date().addingTimeInterval(-10 * 3600)), "application/json", 406))
            cases.append(("future", MonitorHarness.webhook(e, at: Date().addingTimeInterval(3600)), "application/json", 406))
            cases.append(("unknown domain", MonitorHarness.webhook(MonitorHarness.event("delivered", from: "x@elsewhere.example")), "application/json", 406))
            cases.append(("oversized", Data(repeating: UInt8(ascii: " "), count: 70_000) + valid, "application/json", 413))
            cases.append(("malformed", Data("{\"signature\": {".utf8), "application/json", 400))
            cases.append(("not json", Data("hello".utf8), "application/json", 400))
            cases.append(("wrong content type", valid, "application/x-www-form-urlencoded", 415))
            cases.append(("no content type", valid, nil, 415))
            for (name, body, type, status) in cases {
                let r = try await h.post("/webhooks/mailgun", body: body, contentType: type)
                #expect(r.status == status, "\(name)")
                #expect((400..<500).contains(r.status), "\(name)")
                #expect(r.body == "refused\n", "\(name): the caller learns no reason")
            }
            #expect(try h.store.feedbackCounts().total == 0)
            #expect(h.intake.counters.snapshot.totalRejected == cases.count)
            #expect(h.logLines.value.filter { $0.hasPrefix("webhook refused") }.count == cases.count)
            // The valid one, untouched by the refusals before it, is still accepted.
            #expect(try await h.post("/webhooks/mailgun", body: valid).status == 200)
            #expect(try h.store.feedbackCounts().total == 1)
        }
    }

    @Test func aReplayIsAnswered200AndChangesNothing() async throws {
        try await MonitorHarness.with { h in
            let sent = try h.sentMessages(1)
            let bounce = MonitorHarness.event("failed", recipient: sent[0].email, messageID: sent[0].messageID, severity: "permanent", reason: "bounce")
            let body = MonitorHarness.webhook(bounce)
            #expect(try await h.post("/webhooks/mailgun", body: body).status == 200)
            let events = try h.store.events(kind: nil)
            let counts = try h.store.feedbackCounts()
            // The same POST again (same token), then the same event re-signed (a Mailgun retry).
            #expect(try await h.post("/webhooks/mailgun", body: body).status == 200)
            #expect(try await h.post("/webhooks/mailgun", body: MonitorHarness.webhook(bounce)).status == 200)
            #expect(try h.store.events(kind: nil) == events)
            #expect(try h.store.feedbackCounts() == counts)
            #expect(try h.store.events(kind: .hardBounce).count == 1)
            #expect(h.intake.counters.snapshot.duplicates == 2)
        }
    }

    @Test func theTokenCacheSurvivesARestart() async throws {
        try await MonitorHarness.with { (h: MonitorHarness) async throws in
            let body = MonitorHarness.webhook(MonitorHarness.event("delivered"))
            #expect(try await h.post("/webhooks/mailgun", body: body).status == 200)
            // A second intake on the same state file (a restarted serve) still knows the token.
            let again = WebhookIntake(keys: WebhookKeys(byDomain: [MonitorHarness.domain: MonitorHarness.signingKey]), store: h.store,
                                      fleet: nil) { _ in }
            #expect(await again.handle(body: body, contentType: "application/json", now: Date().timeIntervalSince1970) == .duplicate)
        }
    }

    /// ≥ 10,000 random and mutated bodies: never a 5xx, the server keeps answering.
    @Test func fuzzedBodiesNeverGetA5xx() async throws {
        try await MonitorHarness.with { h in
            var rng = SplitMix(seed: 11)
            let seeds = [MonitorHarness.webhook(MonitorHarness.event("delivered")),
                         MonitorHarness.webhook(MonitorHarness.event("failed", severity: "permanent", reason: "bounce")),
                         MonitorHarness.webhook(MonitorHarness.event("complained"))]
            let total = 10_000
            let statuses = Locked<[Int: Int]>([:])
            try await withThrowingTaskGroup(of: Void.self) { g in
                for worker in 0..<8 {
                    var local = SplitMix(seed: rng.next() &+ UInt64(worker))
                    let bodies: [Data] = (0..<(total / 8)).map { i in
                        i % 4 == 0 ? Data((0..<Int(local.next() % 400)).map { _ in UInt8(truncatingIfNeeded: local.next()) })
                            : Fuzz.mutate(seeds[i % seeds.count], &local)
                    }
                    g.addTask {
                        for b in bodies {
                            let r = try await h.post("/webhooks/mailgun", body: b)
                            statuses.withValue { $0[r.status, default: 0] += 1 }
                        }
                    }
                }
                try await g.waitForAll()
            }
            let seen = statuses.value
            #expect(seen.values.reduce(0, +) == total)
            #expect(seen.keys.allSatisfy { $0 < 500 }, "\(seen)")
            #expect(try await h.post("/webhooks/mailgun", body: MonitorHarness.webhook(MonitorHarness.event("delivered"))).status == 200)
        }
    }
}

/// Deterministic random numbers for the fuzz run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Fuzz {
    /// Byte flips, cuts, duplications and JSON-ish insertions of a valid body.
    static func mutate(_ seed: Data, _ rng: inout SplitMix) -> Data {
        var b = [UInt8](seed)
        let tokens: [[UInt8]] = ["null", "{}", "[]", "\"", "\\u0000", "1e999", "-1", "{\"event-data\":", "true", "\u{FEFF}"].map { Array($0.utf8) }
        for _ in 0..<(1 + Int(rng.next() % 4)) where !b.isEmpty {
            let i = Int(rng.next() % UInt64(b.count))
            switch rng.next() % 5 {
            case 0: b[i] = UInt8(truncatingIfNeeded: rng.next())
            case 1: b.removeSubrange(i..<min(b.count, i + Int(rng.next() % 16) + 1))
            case 2: b.insert(contentsOf: tokens[Int(rng.next() % UInt64(tokens.count))], at: i)
            case 3: b = Array(b[..<i])
            default: b.insert(contentsOf: b[i..<min(b.count, i + 32)], at: i)
            }
        }
        return Data(b)
    }
}
