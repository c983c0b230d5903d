import Foundation
import Testing
import Hummingbird
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import Providers
@testable import Sandbox

@Suite struct SandboxInfrastructureTests {
    @Test func faultInjectorIsDeterministicPerSeed() {
        let a = FaultInjector(profile: .uniform(0.5), seed: 42)
        let b = FaultInjector(profile: .uniform(0.5), seed: 42)
        let c = FaultInjector(profile: .uniform(0.5), seed: 43)
        let sa = (0..<200).map { _ in a.next() }, sb = (0..<200).map { _ in b.next() }, sc = (0..<200).map { _ in c.next() }
        #expect(sa == sb)
        #expect(sa != sc)
        // Roughly half of the requests get a fault, and every kind shows up.
        let hits = sa.compactMap { $0 }
        #expect(hits.count > 70 && hits.count < 130)
        #expect(Set(hits.map(\.name)) == ["serverError", "unavailablePage", "timeout", "drop", "slow"])
    }

    @Test func noFaultsWithEmptyProfile() {
        let f = FaultInjector()
        #expect((0..<100).allSatisfy { _ in f.next() == nil })
    }

    @Test func namecheapServerLimitsCountSlidingWindows() {
        let clock = VirtualClock()
        let limiter = ServerRateLimiter(limits: .namecheap, clock: clock)
        for _ in 0..<20 { #expect(limiter.admit(key: "u")) }
        #expect(!limiter.admit(key: "u"))
        #expect(limiter.admit(key: "other"))  // per user
        clock.advance(by: 59.9)
        #expect(!limiter.admit(key: "u"))
        clock.advance(by: 0.2)
        #expect(limiter.admit(key: "u"))
    }

    @Test func namecheapHourWindowBindsAfter700() {
        let clock = VirtualClock()
        let limiter = ServerRateLimiter(limits: .namecheap, clock: clock)
        var admitted = 0
        // 20 per minute for an hour would be 1200; the hour caps it at 700.
        for _ in 0..<60 {
            for _ in 0..<25 where limiter.admit(key: "u") { admitted += 1 }
            clock.advance(by: 60)
        }
        #expect(admitted == 700)
    }

    @Test func porkbunBucketAllowsBurstsOfFiveThenTwoPerSecond() {
        let clock = VirtualClock()
        let limiter = ServerRateLimiter(limits: .porkbun, clock: clock)
        for _ in 0..<5 { #expect(limiter.admit(key: "k")) }
        #expect(!limiter.admit(key: "k"))
        clock.advance(by: 0.5)
        #expect(limiter.admit(key: "k"))
        #expect(!limiter.admit(key: "k"))
    }

    @Test func porkbunFloodBansTheKey() {
        let clock = VirtualClock()
        let limiter = ServerRateLimiter(limits: .porkbun, clock: clock)
        for _ in 0..<110 { _ = limiter.admit(key: "k") }
        clock.advance(by: 10)   // the bucket would have refilled…
        #expect(!limiter.admit(key: "k"))  // …but the key is banned
        clock.advance(by: 300)
        #expect(limiter.admit(key: "k"))
    }

    @Test func serverStartsOnAnEphemeralPortAndStops() async throws {
        let router = Router(context: EmulatorContext.self)
        router.get("hello") { _, _ in "hi" }
        let server = try await EmulatorServer.start(name: "t", router: router)
        #expect(server.port > 0)
        let (data, _) = try await URLSession.shared.data(from: server.baseURL.appendingPathComponent("hello"))
        #expect(String(decoding: data, as: UTF8.self) == "hi")
        await server.stop()
        await #expect(throws: (any Error).self) {
            _ = try await URLSession.shared.data(from: server.baseURL.appendingPathComponent("hello"))
        }
    }
}
