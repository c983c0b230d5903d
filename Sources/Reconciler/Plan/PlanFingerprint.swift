import Crypto
import Foundation

/// What a plan was made from: the inventory and the observed state of every
/// resource it touches. Applying a plan file first re-observes those
/// resources; any difference makes the plan stale (Terraform's saved-plan
/// discipline).
public struct PlanFingerprint: Sendable, Hashable, Codable {
    /// SHA-256 of the inventory's canonical content.
    public var inventory: String
    /// SHA-256 of each touched resource's observed state, by address description.
    public var observed: [String: String]

    public init(inventory: String, observed: [String: String]) {
        self.inventory = inventory
        self.observed = observed
    }

    /// One digest of the whole fingerprint (journal runs are keyed by it).
    public var digest: String {
        let lines = ["inventory \(inventory)"] + observed.keys.sorted().map { "\($0) \(observed[$0]!)" }
        return Self.hex(Data(lines.joined(separator: "\n").utf8))
    }

    /// SHA-256 hex of bytes (the inventory files, concatenated in path order).
    public static func hash(_ data: Data) -> String { hex(data) }

    /// SHA-256 hex of a value's canonical JSON (sorted keys): the hash of an
    /// observed state. Equal values always hash equal.
    public static func hash(of value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return hex(try encoder.encode(value))
    }

    /// Lowercase hex of the SHA-256 digest (swift-crypto).
    private static func hex(_ data: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: data) {
            out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares with the fingerprint of the world now; nil when fresh.
    /// `current.observed` needs only the addresses this plan touched.
    public func staleness(against current: PlanFingerprint) -> StalePlan? {
        var reasons: [StalePlan.Reason] = []
        if inventory != current.inventory { reasons.append(.inventoryChanged) }
        for address in observed.keys.sorted() where current.observed[address] != observed[address] {
            reasons.append(.resourceChanged(address))
        }
        return reasons.isEmpty ? nil : StalePlan(reasons: reasons)
    }
}

/// The refusal to apply a plan file made from a world that has since changed.
public struct StalePlan: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        case inventoryChanged
        case resourceChanged(String)
        public var description: String {
            switch self {
            case .inventoryChanged: "the inventory changed since the plan was made"
            case .resourceChanged(let a): "\(a) changed since the plan was made"
            }
        }
    }
    public var reasons: [Reason]
    public var description: String {
        "the plan is stale; make a new one:\n" + reasons.map { "  - \($0)" }.joined(separator: "\n")
    }
}

extension Plan {
    /// The observed resources this plan's actions were planned from.
    public var touchedResources: [ResourceAddress] {
        Array(Set(actions.map(\.observed))).sorted()
    }

    /// Throws `StalePlan` when `current` (same addresses, observed now) differs.
    public func checkFresh(against current: PlanFingerprint) throws(StalePlan) {
        if let stale = fingerprint.staleness(against: current) { throw stale }
    }
}
