import Foundation
import Providers
import ServiceLifecycle
import Store

/// Suppression learned elsewhere counts too: at start and then every
/// `interval`, each Mailgun account's bounces, complaints and unsubscribes
/// lists (per sending domain, paged by the client within its rate budget)
/// are merged into ours. Only adds: an address Mailgun forgot stays ours.
public struct SuppressionSync: Service {
    public struct Source: Sendable {
        public var account: String
        public var client: MailgunClient
        public var domains: [String]
        public init(account: String, client: MailgunClient, domains: [String]) {
            self.account = account; self.client = client; self.domains = domains
        }
    }

    public var sources: [Source]
    public var store: any SendingStore
    public var interval: Double
    let log: @Sendable (String) -> Void

    public init(sources: [Source], store: any SendingStore, interval: Double = 3600, log: @escaping @Sendable (String) -> Void) {
        self.sources = sources; self.store = store; self.interval = interval; self.log = log
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let added = await mergeOnce()
            if added > 0 { log("suppressions: \(added) new address(es) from Mailgun's lists") }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(nanoseconds: UInt64(interval * 1e9)) }
        }
    }

    /// One pass over every account and list; returns how many addresses were new to us.
    /// A failing account is logged and skipped (the next pass retries it).
    @discardableResult
    public func mergeOnce(now: Double = Date().timeIntervalSince1970) async -> Int {
        var added = 0
        for s in sources {
            for domain in s.domains {
                for list in MailgunSuppressionList.allCases {
                    do {
                        for item in try await s.client.suppressions(list, domain: domain) {
                            let email = EmailAddress.normalize(item.address)
                            guard try store.suppression(email: email) == nil else { continue }
                            try store.suppress(email: email, reason: Self.reason(list), source: "mailgun \(s.account) \(list.rawValue)", at: now)
                            added += 1
                        }
                    } catch {
                        log("suppressions: \(s.account) \(domain) \(list.rawValue) not merged: \(error)")
                    }
                }
            }
        }
        return added
    }

    static func reason(_ list: MailgunSuppressionList) -> String {
        switch list {
        case .bounces: "hard bounce"
        case .complaints: "complaint"
        case .unsubscribes: "unsubscribe"
        }
    }
}
