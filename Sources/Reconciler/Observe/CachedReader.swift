import DNSRecords
import Foundation
import Store

/// Reads one resource through the observation cache under a refresh policy
/// (`--refresh auto|full|none`), saving what it reads.
public struct CachedReader: Sendable {
    public var cache: ObservationCache
    public var policy: RefreshPolicy
    public var now: @Sendable () -> Date

    public init(cache: ObservationCache, policy: RefreshPolicy, now: @escaping @Sendable () -> Date = { Date() }) {
        self.cache = cache
        self.policy = policy
        self.now = now
    }

    public struct Reading<Value: Sendable>: Sendable {
        public var value: Value
        /// The hash that goes into a plan's fingerprint.
        public var hash: String
        public var observedAt: Date
        public var fromCache: Bool
    }

    /// Returns the cached value when the policy allows, else calls `fetch`
    /// and caches the result. `hash` must be the function the fingerprint
    /// uses for this kind (`ObservedHash.zone` for zones).
    public func read<Value: Codable & Sendable>(
        _ address: ResourceAddress, as: Value.Type = Value.self,
        hash: @Sendable (Value) throws -> String,
        fetch: @Sendable () async throws -> Value
    ) async throws -> Reading<Value> {
        let cached = try await cache.load(address.description)
        if let cached, !policy.needsRead(cached, now: now()),
           let value = CachedJSON.decode(Value.self, from: cached.state) {
            return Reading(value: value, hash: cached.hash, observedAt: cached.observedAt, fromCache: true)
        }
        let value = try await fetch()
        return try await store(address, value, hash: try hash(value))
    }

    /// Saves `value` as observed now (a read, or a write's own answer that
    /// is exactly what a read would return), as `read` saves it.
    public func store<Value: Codable & Sendable>(_ address: ResourceAddress, _ value: Value, hash h: String) async throws -> Reading<Value> {
        let at = now()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await cache.save([Observation(address: address.description, domain: address.domain, kind: address.kind.rawValue,
                                          state: try encoder.encode(value), hash: h, observedAt: at)])
        return Reading(value: value, hash: h, observedAt: at, fromCache: false)
    }
}
