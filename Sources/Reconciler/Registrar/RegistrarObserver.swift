import Foundation
import Providers

/// Observes the registrar side of the fleet: one domain listing per
/// account (through the cache, `CachedListing`), then each inventory domain's zone through the observation
/// cache, concurrently (each account's `RateBudget` inside its client keeps
/// the pace within the provider's limits).
public struct RegistrarObserver: Sendable {
    /// Providers by the inventory's account name.
    public var accounts: [String: any RegistrarDNSProvider]
    public var reader: CachedReader
    public var concurrency: Int
    /// Called after each domain (`--progress`); the CLI prints `ObserveProgress.line`.
    public var progress: (@Sendable (ObserveProgress) -> Void)?

    public init(accounts: [String: any RegistrarDNSProvider], reader: CachedReader, concurrency: Int = 16,
                progress: (@Sendable (ObserveProgress) -> Void)? = nil) {
        self.accounts = accounts
        self.reader = reader
        self.concurrency = concurrency
        self.progress = progress
    }

    /// A domain the inventory wants, and the registrar account that should hold it.
    public struct Target: Sendable, Hashable {
        public var domain: String
        public var account: String
        public init(domain: String, account: String) {
            self.domain = domain
            self.account = account
        }
    }

    public struct Result: Sendable {
        /// Zones read (or taken from the cache), with the hash for the fingerprint.
        public var zones: [String: CachedReader.Reading<ObservedZone>] = [:]
        /// Why a domain could not be planned: not in its account, or a read
        /// that failed through every retry (the next run tries again).
        public var blocked: [String: String] = [:]
        /// The blocked domains whose account could not be read (a listing or
        /// zone read that failed): domain → account. The plan is incomplete.
        public var unread: [String: String] = [:]
        /// Held by an account the inventory uses, but not in the inventory.
        public var unmanagedDomains: [String] = []
        /// Registration facts of the inventory's domains, from the listings.
        public var registrations: [String: RegistrarDomain] = [:]
    }

    public func observe(_ targets: [Target]) async throws -> Result {
        var result = Result()
        let wanted = Set(targets.map(\.domain))
        var held: Set<String> = []
        // Each account's listing concurrently: every account has its own rate budget.
        let names = Set(targets.map(\.account)).sorted()
        let accounts = self.accounts, reader = self.reader
        let listings = try await boundedMap(names, limit: names.count) { name -> Swift.Result<[RegistrarDomain], ProviderError>? in
            guard let provider = accounts[name] else { return nil }
            let mine = Set(targets.filter { $0.account == name }.map(\.domain))
            return try await CachedListing.read(account: name, wanted: mine, provider: provider, reader: reader)
        }
        for (name, listing) in zip(names, listings) {
            guard let listing else {
                for t in targets where t.account == name { result.blocked[t.domain] = "no registrar account \"\(name)\" configured" }
                continue
            }
            do {
                let listed = try listing.get()
                let domains = listed.map { (r: RegistrarDomain) in r.name }
                for r in listed where wanted.contains(r.name) { result.registrations[r.name] = r }
                held.formUnion(domains)
                result.unmanagedDomains += domains.filter { !wanted.contains($0) }
            } catch {
                for t in targets where t.account == name {
                    result.blocked[t.domain] = "could not list account \"\(name)\": \(error)"
                    result.unread[t.domain] = name
                }
            }
        }
        let readable = targets.filter { result.blocked[$0.domain] == nil }
        for t in readable where !held.contains(t.domain) {
            result.blocked[t.domain] = "not in account \(t.account): register it first"
        }

        let todo = readable.filter { held.contains($0.domain) }
        let counter = ProgressCounter(total: todo.count, started: reader.now())
        let progress = self.progress
        let zones = try await PrefetchedReader.load([.zone], through: reader)
        let accountOf = Dictionary(todo.map { ($0.domain, $0.account) }, uniquingKeysWith: { a, _ in a })
        let readings = try await boundedMap(todo, limit: concurrency) { t -> (String, ZoneRead) in
            let provider = accounts[t.account]!
            let outcome: ZoneRead
            do {
                outcome = .read(try await zones.read(ResourceAddress(domain: t.domain, kind: .zone),
                                                      hash: { try ObservedHash.zone($0) },
                                                      fetch: { try await provider.zone(t.domain) }))
            } catch let e as ProviderError {
                outcome = .failed("could not read the zone: \(e)")
            }
            let p = await counter.step(now: reader.now())
            progress?(p)
            return (t.domain, outcome)
        }
        for (domain, r) in readings {
            switch r {
            case .read(let z): result.zones[domain] = z
            case .failed(let why): result.blocked[domain] = why; result.unread[domain] = accountOf[domain]
            }
        }
        result.unmanagedDomains = Array(Set(result.unmanagedDomains)).sorted()
        return result
    }

    enum ZoneRead: Sendable {
        case read(CachedReader.Reading<ObservedZone>)
        case failed(String)
    }
}

actor ProgressCounter {
    var state: ObserveProgress
    init(total: Int, started: Date) { state = ObserveProgress(total: total, started: started) }
    func step(now: Date) -> ObserveProgress {
        state.done += 1
        return state
    }
}
