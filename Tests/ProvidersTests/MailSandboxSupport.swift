import DNSRecords
import Foundation
import Providers
import Sandbox

/// Shared fixtures of the mail-platform tests: emulators on 127.0.0.1:0 that are
/// always stopped, clients pointed at them with fast retries.
enum MailSandbox {
    static let apiKey = "key-0123456789abcdef0123456789abcdef"
    static let signingKey = "signing-key-fedcba9876543210"

    /// Short waits so fault-injected runs finish quickly; hangs are cut by the request timeout.
    static let fastRetry = RetryPolicy(maxAttempts: 8, baseDelay: 0.05, maxDelay: 0.4, totalBudget: 60)

    static func withMailgun<T>(region: MailgunRegion = .us, dns: DNSView = DNSView(), faults: FaultProfile = .none, seed: UInt64 = 7,
                               _ body: (MailgunEmulator, MailgunClient, DNSView) async throws -> T) async throws -> T {
        let emu = try await MailgunEmulator.start(region: region, dns: dns, apiKey: apiKey, signingKey: signingKey,
                                                  faults: faults, seed: seed)
        let client = MailgunClient(region: region, apiKey: apiKey, endpoint: emu.url, retry: fastRetry)
        do {
            let result = try await body(emu, client, dns)
            await emu.stop()
            return result
        } catch {
            await emu.stop()
            throw error
        }
    }

    static func withZoho<T>(dns: DNSView = DNSView(), tokenLifetime: Double = 3600, faults: FaultProfile = .none, seed: UInt64 = 7,
                            _ body: (ZohoEmulator, ZohoClient, DNSView) async throws -> T) async throws -> T {
        let emu = try await ZohoEmulator.start(dns: dns, clientID: "1000.CLIENTID", clientSecret: "client-secret-xyz",
                                               refreshToken: "1000.refresh.token", tokenLifetime: tokenLifetime,
                                               faults: faults, seed: seed)
        let client = ZohoClient(region: .com, orgID: emu.orgID, clientID: emu.clientID, clientSecret: emu.clientSecret,
                                refreshToken: emu.refreshToken, mailEndpoint: emu.url, accountsEndpoint: emu.url,
                                budget: .unlimited(), retry: fastRetry)
        do {
            let result = try await body(emu, client, dns)
            await emu.stop()
            return result
        } catch {
            await emu.stop()
            throw error
        }
    }

    /// Publishes `records` into `zone`, merging with what is there (replacing same name+type sets).
    static func publish(_ dns: DNSView, zone: String, _ records: [DNSRecord]) async {
        var current = await dns.records(zone: zone)
        let replaced = Set(records.map { "\($0.name) \($0.type)" })
        current.removeAll { replaced.contains("\($0.name) \($0.type)") }
        await dns.publish(zone: zone, records: current + records)
    }

    static func unpublish(_ dns: DNSView, zone: String, where drop: (DNSRecord) -> Bool) async {
        await dns.publish(zone: zone, records: await dns.records(zone: zone).filter { !drop($0) })
    }
}
