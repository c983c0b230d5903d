import Foundation
import Providers
import ServiceLifecycle
import Store

/// Mailgun's own verdict on each sending domain: `serve` reads each
/// account's domain list (`GET /v4/domains`, 1,000 a page: one or two
/// calls per account per round, far inside the API budget) every
/// `interval`. A domain Mailgun reports `disabled` (or `is_disabled`) or
/// `unverified` is paused (a `.mailgun` hold) with one alert
/// `mailgun-domain:DOMAIN`; it is released when Mailgun reports it active.
/// A domain Mailgun does not list is apply's business, not a pause; an
/// account that cannot be read keeps its domains' holds as they are.
public struct MailgunVerdictWatch: Service {
    public static let alertPrefix = "mailgun-domain"

    /// Clients by account name (the groups' `pool`).
    public var clients: [String: MailgunClient]
    public var domains: [WatchedDomain]
    public var keeper: HoldKeeper
    public var interval: Double
    let clock: any FleetClock
    let log: @Sendable (String) -> Void

    public init(clients: [String: MailgunClient], domains: [WatchedDomain], keeper: HoldKeeper, interval: Double,
                clock: any FleetClock = SystemClock(), log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.clients = clients; self.domains = domains; self.keeper = keeper; self.interval = interval; self.clock = clock; self.log = log
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do { _ = try await round() } catch { log("mailgun verdict: \(error)") }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
        }
    }

    /// Why Mailgun's listing pauses a domain, or nil when it may send.
    public static func pauseReason(_ d: MailgunDomain) -> String? {
        let state = d.state.lowercased()
        if d.isDisabled == true || state == "disabled" { return "is disabled at Mailgun" }
        if state == "unverified" { return "is unverified at Mailgun (its SPF/DKIM records do not validate)" }
        return nil
    }

    /// One read of every account; returns what changed.
    @discardableResult
    public func round() async throws -> DomainHoldChanges {
        let held = try keeper.current(.mailgun)
        var wanted: [String: String] = [:]
        for account in Set(domains.map(\.pool)).sorted() {
            let mine = domains.filter { $0.pool == account }
            guard let client = clients[account] else { continue }
            do {
                let listed = Dictionary(try await client.allDomains().map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
                for d in mine { if let m = listed[d.name], let why = Self.pauseReason(m) { wanted[d.name] = why } }
            } catch {
                log("mailgun verdict: cannot list account \(account)'s domains: \(error); its holds stay as they are")
                for d in mine { if let why = held[d.name] { wanted[d.name] = why } }
            }
        }
        let changes = try keeper.pause(source: .mailgun, wanted: wanted, keyPrefix: Self.alertPrefix, domains: domains, at: clock.now(),
                                       until: "Mailgun reports it active", cleared: "is active at Mailgun again",
                                       label: "mailgun verdict", log: log)
        return changes
    }
}
