/// Porkbun's default prices (`POST /pricing/get`, Porkbun API docs "Domain
/// Pricing"): every TLD's registration, renewal and transfer price in USD as
/// decimal strings, no API key needed.
extension PorkbunClient {
    public func pricing() async throws(ProviderError) -> [String: PorkbunWire.TLDPricing] {
        let data = try await call("pricing/get", [], idempotent: true, domain: nil, authenticated: false)
        return try decode(PorkbunWire.Pricing.self, data, "pricing/get", nil).pricing ?? [:]
    }
}

extension PorkbunWire {
    public struct Pricing: Decodable, Sendable {
        public var pricing: [String: TLDPricing]?
    }

    /// One TLD's prices; coupons and other fields are ignored.
    public struct TLDPricing: Decodable, Sendable, Hashable {
        public var registration: LenientString?
        public var renewal: LenientString?
        public var transfer: LenientString?
    }
}
