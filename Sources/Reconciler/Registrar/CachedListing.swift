import Foundation
import Providers
import Store

/// An account's domain listing through the observation cache, under the
/// zones' refresh policy (issue #13 §1): a warm `--refresh none` plan makes
/// no call at all, where the listing alone (Namecheap's 20/min, ~24 pages at
/// 6,000 domains) kept a warm plan over a minute under the real limits.
/// A cached listing that lacks a wanted domain is read again (the domain
/// may have been registered since); an apply that changes what a listing
/// shows forgets the listings (`ObservationCache.forget(after:)`).
enum CachedListing {
    static let kind = "registrarListing"

    static func address(_ account: String) -> String { "listing:\(account)" }

    static func read(account: String, wanted: Set<String>, provider: any RegistrarDNSProvider,
                     reader: CachedReader) async throws -> Swift.Result<[RegistrarDomain], ProviderError> {
        let address = address(account)
        if reader.policy != .full, let cached = try await reader.cache.load(address),
           !reader.policy.needsRead(cached, now: reader.now()),
           let listed = try? JSONDecoder().decode([RegistrarDomain].self, from: cached.state),
           wanted.isSubset(of: listed.map(\.name)) {
            return .success(listed)
        }
        let listed: [RegistrarDomain]
        do throws(ProviderError) { listed = try await provider.listDomains() } catch { return .failure(error) }
        let state = try JSONEncoder().encode(listed)
        try await reader.cache.save([Observation(address: address, domain: "", kind: kind, state: state,
                                                 hash: "", observedAt: reader.now())])
        return .success(listed)
    }
}

extension ObservationCache {
    /// Forgets what an apply of `plan` made stale, so the next plan reads it:
    /// the resources it touched, and the account listings when it changed
    /// what they show (delegation, auto-renew).
    /// `keeping`: zones the apply stored as written (`AppliedZones.kept`).
    func forget(after plan: Plan, keeping: Set<String> = []) async throws {
        try await forget(touching: plan.actions, keeping: keeping)
    }

    /// The same for any actions (those an interrupted run left unknown).
    func forget(touching actions: [PlanAction], keeping: Set<String> = []) async throws {
        let touched = Set(actions.map(\.observed))
        try await invalidate(touched.map(\.description).filter { !keeping.contains($0) }.sorted())
        if touched.contains(where: { $0.kind == .registrarDomain || $0.kind == .nameservers }) {
            try await invalidate(kind: CachedListing.kind)
        }
    }
}
