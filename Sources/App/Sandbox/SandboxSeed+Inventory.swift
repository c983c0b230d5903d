import Inventory
import Sandbox

extension SandboxSeed {
    /// Every inventory domain registered at its registrar account's API, as if
    /// just bought: the tool never buys domains, the sandbox pretends they were.
    /// The Zoho emulator is the inventory's (first) zoho organisation: its region
    /// and `org_id`, so clients built from the inventory reach it and verify.
    /// Built from the inventory already loaded: the directory is read once.
    public init(_ inventory: Inventory) throws(AppError) {
        var domains: [String: [String]] = [:]
        for d in inventory.domains {
            guard let kind = inventory.account(named: d.registrar)?.kind, kind.isRegistrar else { continue }
            domains[kind.rawValue, default: []].append(d.name)
        }
        var zoho: SandboxZohoOrg?
        if let account = inventory.sortedAccounts.first(where: { $0.zoho != nil }), let z = account.zoho {
            do { zoho = try SandboxZohoOrg(region: z.region.rawValue, orgID: z.orgID) } catch {
                throw AppError("\(account.location): accounts.\(account.name): \(error)")
            }
        }
        self.init(domains: domains, zoho: zoho)
    }
}
