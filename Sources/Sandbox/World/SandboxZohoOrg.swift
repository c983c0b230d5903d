import DNSRecords
import Foundation
import Providers

/// The Zoho Mail organisation the Zoho emulator answers for: its data centre
/// (which MX hosts and SPF include it verifies, mail-platforms.md §2.4) and its
/// `zoid`. A sandbox run of an inventory uses the inventory's zoho account, so
/// clients built from that account (region, `org_id`) reach the emulator and the
/// records the compiler derives for that region verify.
public struct SandboxZohoOrg: Sendable, Codable, Equatable {
    public var region: ZohoRegion
    /// Zoho organisation ids are numbers (§2.3); the inventory writes them as strings.
    public var zoid: Int64

    public var orgID: String { String(zoid) }

    public init(region: ZohoRegion, zoid: Int64) {
        self.region = region
        self.zoid = zoid
    }

    /// From an inventory zoho account (`region: eu`, `org_id: "20104471"`).
    public init(region: String, orgID: String) throws(SandboxZohoOrgError) {
        guard let r = ZohoRegion(rawValue: region.lowercased()) else {
            throw SandboxZohoOrgError(field: "region", value: region,
                                      expected: ZohoRegion.allCases.map(\.rawValue).joined(separator: " | "))
        }
        guard let z = Int64(orgID.trimmingCharacters(in: .whitespaces)), z > 0 else {
            throw SandboxZohoOrgError(field: "org_id", value: orgID, expected: "a positive number (the zoid)")
        }
        self.init(region: r, zoid: z)
    }

    /// What the Zoho emulator is without a seed or saved state.
    public static let `default` = SandboxZohoOrg(region: .com, zoid: 2_560_636_000_000_000_001)
}

public struct SandboxZohoOrgError: Error, CustomStringConvertible {
    public let field: String
    public let value: String
    public let expected: String
    public var description: String { "sandbox zoho account: \(field) '\(value)' is not usable by the emulator (expected \(expected))" }
}
