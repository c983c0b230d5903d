import DNSRecords
import Inventory
import Providers

extension ResourceState {
    /// A forward's attributes: where it goes, the code, path handling.
    public init(forward f: WebForward) {
        self.init(["location": .string(f.location), "code": .int(f.code.rawValue), "path": .string(f.keepPath ? "keep" : "drop")])
    }

    /// The forward at `host` these attributes describe, when complete.
    public func forward(host: String) -> WebForward? {
        guard case .string(let location)? = attributes["location"], case .int(let c)? = attributes["code"],
              let code = WebForward.Code(rawValue: c), case .string(let path)? = attributes["path"] else { return nil }
        return WebForward(host: host, location: location, code: code, keepPath: path == "keep")
    }
}

extension PlanBuilder {
    /// Adds a domain's web forwards, one resource per managed host (`@`,
    /// `www`). Planned from the zone observation (the forwards are read with
    /// it) and batched with the zone's records: Namecheap writes them in the
    /// same setHosts, Porkbun after the records in the same step. A domain
    /// without `web:` (or `web: none`) gets nothing: its forwarding is left alone.
    public mutating func addWebForwards(_ zone: ObservedZone, desired: DesiredWeb?, dependsOn: [ActionID] = []) {
        guard let desired else { return }
        let zoneAddress = ResourceAddress(domain: zone.domain, kind: .zone)
        for host in DesiredWeb.managedHosts {
            let want = desired.forward(at: host).map { ResourceState(forward: $0) }
            let have = zone.forwards.first { $0.host == host }.map { ResourceState(forward: $0) }
            guard var action = ResourceDiff.diff(ResourceAddress(domain: zone.domain, kind: .webForward, identity: host),
                                                 desired: want, observed: have, removeIfUndesired: true,
                                                 dependsOn: dependsOn, observedAt: zoneAddress)
            else { continue }
            action.batch = "zone:\(zone.domain)"
            add(action)
        }
    }
}

extension CapabilityAudit {
    /// What the registrar's forwarding cannot do for `web`, named where the inventory wrote it.
    public static func problems(_ web: DesiredWeb?, provider: String, capabilities c: ProviderCapabilities) -> [String] {
        guard let web, !c.forwardPathChoice, web.forwards.contains(where: { !$0.keepPath }) else { return [] }
        return ["\(web.location): web.path: \(provider)'s URL forwarding has no path option; remove 'path: drop' or use 'path: keep'"]
    }
}
