import DNSRecords
import Foundation
import Store

/// `CachedReader` over observations loaded in one query: a usable cached
/// value is taken from `prefetched`; anything else goes through the reader
/// (which reads the provider and saves the result). A warm plan reads its
/// cache in a few queries, not one per resource.
struct PrefetchedReader: Sendable {
    var reader: CachedReader
    var prefetched: [String: Observation]

    /// Every cached observation of `kinds`, unless the policy reads everything anyway.
    static func load(_ kinds: [ResourceKind], through reader: CachedReader) async throws -> PrefetchedReader {
        var cached: [String: Observation] = [:]
        if reader.policy != .full {
            for o in try await reader.cache.load(kinds: kinds.map(\.rawValue)) { cached[o.address] = o }
        }
        return PrefetchedReader(reader: reader, prefetched: cached)
    }

    func read<Value: Codable & Sendable>(_ address: ResourceAddress, hash: @Sendable (Value) throws -> String,
                                         fetch: @Sendable () async throws -> Value) async throws -> CachedReader.Reading<Value> {
        if let cached = prefetched[address.description], !reader.policy.needsRead(cached, now: reader.now()),
           let value = CachedJSON.decode(Value.self, from: cached.state) {
            return CachedReader.Reading(value: value, hash: cached.hash, observedAt: cached.observedAt, fromCache: true)
        }
        return try await reader.read(address, hash: hash, fetch: fetch)
    }
}
