import DNSRecords
import Foundation
@testable import Providers
@testable import Sandbox

/// Retries fast enough for tests; the backoff shape is covered in HTTPClientRetryTests.
let fastRetry = RetryPolicy(maxAttempts: 8, baseDelay: 0.05, maxDelay: 0.4, totalBudget: 60)

/// A Porkbun emulator on a real loopback port plus a client pointed at it.
struct PorkbunRig {
    let emulator: PorkbunEmulator
    let server: EmulatorServer
    let client: PorkbunClient
    let provider: PorkbunProvider

    static func start(domains: [String] = ["acme-mail.com"], limits: ServerRateLimits = .unlimited,
                      faults: FaultInjector = FaultInjector(), budget: RateBudget = .unlimited(),
                      retry: RetryPolicy = fastRetry, timeout: Double = 5,
                      apiKey: String? = nil, serverClock: any FleetClock = SystemClock()) async throws -> PorkbunRig {
        let emulator = PorkbunEmulator(limits: limits, faults: faults, clock: serverClock)
        await emulator.register(domains)
        let server = try await emulator.start()
        let client = PorkbunClient(baseURL: server.baseURL.appendingPathComponent(PorkbunEmulator.basePath),
                                   credentials: PorkbunCredentials(apiKey: apiKey ?? emulator.apiKey, secretKey: emulator.secretKey),
                                   budget: budget, retry: retry, timeout: timeout)
        return PorkbunRig(emulator: emulator, server: server, client: client, provider: PorkbunProvider(client: client))
    }

    /// The raw rows of a domain as the emulator holds them (ground truth, no client involved).
    func truth(_ domain: String) -> [PorkbunEmulatorState.Record] {
        emulator.state.value.domains[domain]?.records ?? []
    }
}

func withPorkbun(domains: [String] = ["acme-mail.com"], limits: ServerRateLimits = .unlimited,
                 faults: FaultInjector = FaultInjector(), budget: RateBudget = .unlimited(), retry: RetryPolicy = fastRetry,
                 timeout: Double = 5, serverClock: any FleetClock = SystemClock(),
                 _ body: (PorkbunRig) async throws -> Void) async throws {
    let rig = try await PorkbunRig.start(domains: domains, limits: limits, faults: faults, budget: budget, retry: retry,
                                         timeout: timeout, serverClock: serverClock)
    do { try await body(rig) } catch { await rig.server.stop(); throw error }
    await rig.server.stop()
}

/// A Namecheap emulator on a real loopback port plus a client pointed at it.
struct NamecheapRig {
    let emulator: NamecheapEmulator
    let server: EmulatorServer
    let client: NamecheapClient
    let provider: NamecheapProvider

    static func start(domains: [String] = ["acme-outreach.net"], limits: ServerRateLimits = .unlimited,
                      faults: FaultInjector = FaultInjector(), budget: RateBudget = .unlimited(),
                      retry: RetryPolicy = fastRetry, timeout: Double = 5, allowedIPs: Set<String> = ["127.0.0.1"],
                      apiKey: String? = nil) async throws -> NamecheapRig {
        let emulator = NamecheapEmulator(allowedIPs: allowedIPs, limits: limits, faults: faults)
        await emulator.register(domains)
        let server = try await emulator.start()
        let client = NamecheapClient(baseURL: server.baseURL.appendingPathComponent(NamecheapEmulator.path),
                                     credentials: NamecheapCredentials(apiUser: emulator.apiUser, apiKey: apiKey ?? emulator.apiKey,
                                                                       clientIP: "127.0.0.1"),
                                     budget: budget, retry: retry, timeout: timeout)
        return NamecheapRig(emulator: emulator, server: server, client: client, provider: NamecheapProvider(client: client))
    }

    func truth(_ domain: String) -> NamecheapEmulatorState.Domain? { emulator.state.value.domains[domain] }
}

func withNamecheap(domains: [String] = ["acme-outreach.net"], limits: ServerRateLimits = .unlimited,
                   faults: FaultInjector = FaultInjector(), budget: RateBudget = .unlimited(), retry: RetryPolicy = fastRetry,
                   timeout: Double = 5, allowedIPs: Set<String> = ["127.0.0.1"], apiKey: String? = nil,
                   _ body: (NamecheapRig) async throws -> Void) async throws {
    let rig = try await NamecheapRig.start(domains: domains, limits: limits, faults: faults, budget: budget, retry: retry,
                                           timeout: timeout, allowedIPs: allowedIPs, apiKey: apiKey)
    do { try await body(rig) } catch { await rig.server.stop(); throw error }
    await rig.server.stop()
}

/// Record states a zone goes through in the convergence tests (DNSControl's
/// integration-test idea: after every push, a re-read shows zero differences).
enum ConvergenceStates {
    static let dkim = "k=rsa; p=" + String(repeating: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", count: 9)

    static func states(_ zone: String) -> [[DNSRecord]] {
        let apex = zone
        let s1 = [
            DNSRecord(name: apex, type: .A, ttl: 3600, value: "203.0.113.10"),
            DNSRecord(name: apex, type: .MX, ttl: 3600, priority: 10, value: "mxa.mailgun.org"),
            DNSRecord(name: apex, type: .TXT, ttl: 3600, value: "v=spf1 include:mailgun.org ~all"),
            DNSRecord(name: "email.\(apex)", type: .CNAME, ttl: 3600, value: "mailgun.org"),
            DNSRecord(name: "mx._domainkey.\(apex)", type: .TXT, ttl: 3600, value: dkim),
            DNSRecord(name: "_dmarc.\(apex)", type: .TXT, ttl: 3600, value: "v=DMARC1; p=none; rua=mailto:d@r.example.org"),
        ]
        var s2 = s1
        s2[0] = DNSRecord(name: apex, type: .A, ttl: 3600, value: "203.0.113.11")        // value change
        s2.append(DNSRecord(name: apex, type: .MX, ttl: 3600, priority: 20, value: "mxb.mailgun.org"))
        s2[2] = DNSRecord(name: apex, type: .TXT, ttl: 1800, value: s1[2].value)        // TTL change
        s2.remove(at: 3)                                                                 // CNAME gone
        s2.append(DNSRecord(name: "www.\(apex)", type: .CNAME, ttl: 300, value: "Target.Example.COM."))  // case, dot, low TTL
        let s3 = [s2[2], DNSRecord(name: "Sub.\(apex)", type: .AAAA, ttl: 3600, value: "2001:db8::1")]
        return [s1, s2, s3, []]
    }
}

/// Pushes each state in turn (observe → diff → apply, repeated like the next
/// reconcile run when an apply fails under faults) and returns the number of
/// differences a fresh re-read shows after each push.
func converge(_ provider: any RegistrarDNSProvider, zone: String, states: [[DNSRecord]], runs: Int = 1,
              reread: (() async throws -> ObservedZone)? = nil) async throws -> [Int] {
    var diffs: [Int] = []
    for desired in states {
        var lastError: (any Error)?
        for _ in 0..<runs {
            do {
                let observed = try await provider.zone(zone)
                let changes = RecordChangeSet.between(observed: observed, desired: desired, capabilities: provider.capabilities)
                _ = try await provider.apply(changes)
                lastError = nil
                break
            } catch {
                lastError = error
            }
        }
        if let lastError { throw lastError }
        let after = try await (reread ?? { try await provider.zone(zone) })()
        let d = RecordChangeSet.between(observed: after, desired: desired, capabilities: provider.capabilities)
        diffs.append(d.create.count + d.update.count + d.delete.count)
    }
    return diffs
}
