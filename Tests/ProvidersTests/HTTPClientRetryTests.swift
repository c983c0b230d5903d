import Foundation
import Hummingbird
import Testing
@testable import Providers
@testable import Sandbox

/// A small real HTTP server built from the emulator infrastructure, with
/// routes that fail in scripted ways, so the retry rules are exercised over
/// real sockets.
private struct ScriptedServer {
    let server: EmulatorServer
    let counters: RequestCounters

    static func start(faults: FaultInjector = FaultInjector()) async throws -> ScriptedServer {
        let counters = RequestCounters()
        let failures = Locked<[String: Int]>([:])
        let router = Router(context: EmulatorContext.self)
        router.add(middleware: EmulatorGate(
            traits: EmulatorTraits(endpoint: { req, _ in String(req.uri.path.split(separator: "/").first ?? "") }),
            limiter: ServerRateLimiter(limits: .unlimited), faults: faults, counters: counters))
        router.post("ok") { _, _ in "ok" }
        // Fails `n` times with 503 for each `key`, then answers 200.
        router.post("flaky/:key/:n") { _, ctx -> Response in
            let key = ctx.parameters.get("key") ?? "", n = Int(ctx.parameters.get("n") ?? "0") ?? 0
            let seen = failures.withValue { d -> Int in d[key, default: 0] += 1; return d[key]! }
            return seen <= n ? EmulatorGate.plain(500, "busy") : EmulatorGate.plain(200, "done after \(seen)")
        }
        router.post("throttle/:key") { _, ctx -> Response in
            let key = ctx.parameters.get("key") ?? ""
            let seen = failures.withValue { d -> Int in d[key, default: 0] += 1; return d[key]! }
            return seen == 1 ? EmulatorGate.plain(429, "slow down", headers: [.retryAfter: "7"]) : EmulatorGate.plain(200, "ok")
        }
        router.post("hang") { _, _ -> Response in
            try? await Task.sleep(nanoseconds: 2_500_000_000)
            return EmulatorGate.plain(200, "late")
        }
        router.post("bad") { _, _ in EmulatorGate.plain(400, "no") }
        let server = try await EmulatorServer.start(name: "scripted", router: router)
        return ScriptedServer(server: server, counters: counters)
    }

    func url(_ path: String) -> URL { server.baseURL.appendingPathComponent(path) }

    /// The endpoint's request count once it reaches `count` (or after 10 s of
    /// real time), then after a grace period so that a surplus would show.
    func arrivals(_ endpoint: String, reach count: Int) async -> Int {
        for _ in 0..<200 where counters.requests(endpoint) < count {
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        try? await Task.sleep(nanoseconds: 300_000_000)
        return counters.requests(endpoint)
    }
}

/// The ProviderError `body` ends in, or nil when it succeeds.
func providerFailure(_ body: () async throws -> Void) async -> ProviderError? {
    do { try await body(); return nil } catch let e as ProviderError { return e } catch { return nil }
}

/// Runs `body` against a fresh scripted server and always stops it.
private func withScripted(_ faults: FaultInjector = FaultInjector(), _ body: (ScriptedServer) async throws -> Void) async throws {
    let s = try await ScriptedServer.start(faults: faults)
    do { try await body(s) } catch { await s.server.stop(); throw error }
    await s.server.stop()
}

private func client(_ clock: any FleetClock = VirtualClock(), attempts: Int = 4,
                    secrets: [String] = []) -> ProviderHTTPClient {
    ProviderHTTPClient(provider: "test", budget: .unlimited(clock: clock),
                       retry: RetryPolicy(maxAttempts: attempts, baseDelay: 0.5, maxDelay: 4, totalBudget: 60),
                       clock: clock, random: SeededRandom(seed: 3), redactor: Redactor(secrets: secrets))
}

@Suite struct HTTPClientRetryTests {
    @Test func retries5xxForIdempotentRequestsWithBackoff() async throws {
        try await withScripted { s in
            let clock = VirtualClock()
            let r = try await client(clock).send(ProviderRequest(url: s.url("flaky/a/2"), idempotent: true), operation: "flaky")
            #expect(r.status == 200)
            #expect(r.text == "done after 3")
            #expect(s.counters.requests("flaky") == 3)
            // Two backoffs, the second longer; each within its jitter band.
            let sleeps = clock.recordedSleeps
            #expect(sleeps.count == 2)
            #expect(sleeps.count == 2 && sleeps[0] >= 0.25 && sleeps[0] <= 0.5)
            #expect(sleeps.count == 2 && sleeps[1] >= 0.5 && sleeps[1] <= 1.0)
        }
    }

    @Test func nonIdempotent5xxIsOutcomeUnknownAndNotRepeated() async throws {
        try await withScripted { s in
            let e = await providerFailure {
                _ = try await client().send(ProviderRequest(url: s.url("flaky/b/1"), idempotent: false),
                                            operation: "dns/create", domain: "acme.com")
            }
            #expect(e?.kind == .outcomeUnknown)
            #expect(e?.domain == "acme.com")
            #expect(e?.httpStatus == 500)
            #expect(s.counters.requests("flaky") == 1)
        }
    }

    @Test func honoursRetryAfterAndPausesTheBudget() async throws {
        try await withScripted { s in
            let clock = VirtualClock()
            let r = try await client(clock).send(ProviderRequest(url: s.url("throttle/c"), idempotent: false), operation: "t")
            #expect(r.status == 200)
            // A 429 is answered before execution, so even a non-idempotent request is retried.
            #expect(s.counters.requests("throttle") == 2)
            #expect(clock.recordedSleeps.contains(7))
        }
    }

    @Test func timeoutIsRetriedOnlyWhenIdempotent() async throws {
        try await withScripted { s in
            let c = client(VirtualClock(), attempts: 2)
            let read = await providerFailure {
                _ = try await c.send(ProviderRequest(url: s.url("hang"), timeout: 1, idempotent: true), operation: "hang")
            }
            #expect(read?.kind == .transient)
            #expect(read?.message.contains("timed out") == true)
            #expect(read?.message.contains("after 2 attempt") == true)
            // The client gives up after its own timeout; on a loaded machine the
            // server may read the last request later, so wait for it to arrive.
            #expect(await s.arrivals("hang", reach: 2) == 2)
            let write = await providerFailure {
                _ = try await c.send(ProviderRequest(url: s.url("hang"), timeout: 1, idempotent: false), operation: "hang")
            }
            #expect(write?.kind == .outcomeUnknown)
            #expect(await s.arrivals("hang", reach: 3) == 3)
        }
    }

    @Test func refusedConnectionIsRetriedEvenForWrites() async throws {
        let s = try await ScriptedServer.start()
        let url = s.url("ok")
        await s.server.stop()   // nothing listens on that port any more
        let clock = VirtualClock()
        let e = await providerFailure {
            _ = try await client(clock, attempts: 3).send(ProviderRequest(url: url, timeout: 2, idempotent: false), operation: "create")
        }
        #expect(e?.kind == .transient)
        #expect(e?.message.contains("cannot connect") == true)
        #expect(e?.message.contains("3 attempt") == true)
        #expect(clock.recordedSleeps.count == 2)
    }

    @Test func droppedConnectionsAreRetriedForReads() async throws {
        let faults = FaultInjector(profile: FaultProfile(drop: 1, afterExecutionShare: 0), seed: 9)
        try await withScripted(faults) { s in
            let e = await providerFailure {
                _ = try await client(attempts: 3).send(ProviderRequest(url: s.url("ok"), timeout: 5, idempotent: true), operation: "read")
            }
            #expect(e?.kind == .transient)
            #expect(s.counters.requests("ok") == 3)
            #expect(s.counters.totalFaults == 3)
            faults.setEnabled(false)
            let r = try await client().send(ProviderRequest(url: s.url("ok"), idempotent: true), operation: "read")
            #expect(r.text == "ok")
        }
    }

    @Test func definiteErrorsAreHandedBackWithoutRetry() async throws {
        try await withScripted { s in
            let r = try await client().send(ProviderRequest(url: s.url("bad"), idempotent: true), operation: "bad")
            #expect(r.status == 400)
            #expect(s.counters.requests("bad") == 1)
        }
    }

    @Test func errorsRedactCredentialsInTheURL() async throws {
        try await withScripted { s in
            let secret = "ncKEY-7f3a9b2c"
            var comps = URLComponents(url: s.url("flaky/d/9"), resolvingAgainstBaseURL: false)!
            comps.queryItems = [URLQueryItem(name: "ApiKey", value: secret)]
            let e = await providerFailure {
                _ = try await client(attempts: 2, secrets: [secret]).send(
                    ProviderRequest(url: comps.url!, idempotent: true), operation: "getHosts \(comps.url!.absoluteString)")
            }
            #expect(e != nil)
            #expect(e?.description.contains(secret) == false)
            #expect(e?.description.contains("HTTP 500") == true)
        }
    }
}
