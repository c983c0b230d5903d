import DNSRecords
import Foundation
import Providers
import Store

/// The zones one apply wrote, stored in the observation cache as the
/// provider returned them after the write (its own re-read), so the next
/// plan takes them from the cache instead of reading every written zone
/// again (issue #13 §2). A zone any of whose steps failed, or whose outcome
/// is unknown, is not kept: `forget(after:)` invalidates it as before.
public actor AppliedZones {
    let reader: CachedReader
    var stored: Set<String> = []
    var spoiled: Set<String> = []
    /// Steps on a zone now in flight; two at once make either's answer
    /// possibly older than the other's write, so neither is kept.
    var active: [String: Int] = [:]

    public init(cache: ObservationCache, now: @escaping @Sendable () -> Date = { Date() }) {
        reader = CachedReader(cache: cache, policy: .full, now: now)
    }

    /// A step on `domain`'s zone starts writing.
    public func begin(_ domain: String) {
        let n = active[domain, default: 0]
        if n > 0 { spoiled.insert(Self.address(domain)) }
        active[domain] = n + 1
    }

    /// Stores `zone` (hash `ObservedHash.zone`, exactly what a plan's read
    /// stores) as the provider returned it after the step's write.
    /// A zone that cannot be stored is forgotten after the apply, as before.
    public func wrote(_ zone: ObservedZone) async {
        defer { active[zone.domain, default: 1] -= 1 }
        let address = ResourceAddress(domain: zone.domain, kind: .zone)
        if spoiled.contains(address.description) { return }
        do {
            _ = try await reader.store(address, zone, hash: try ObservedHash.zone(zone))
            stored.insert(address.description)
        } catch {
            spoiled.insert(address.description)
        }
    }

    /// A step on `domain`'s zone did not finish cleanly: its cache entry goes.
    public func failed(_ domain: String) {
        active[domain, default: 1] -= 1
        spoiled.insert(Self.address(domain))
    }

    static func address(_ domain: String) -> String { ResourceAddress(domain: domain, kind: .zone).description }

    /// The addresses whose stored zone is what the provider holds now.
    public var kept: Set<String> { stored.subtracting(spoiled) }
}
