/// Porkbun's URL forwarding (registrars.md A2, "URL forwarding"): add, list,
/// delete by id. There is no edit: a change is a delete and an add.
extension PorkbunClient {
    public func getUrlForwarding(_ domain: String) async throws(ProviderError) -> [PorkbunWire.URLForward] {
        let data = try await call("domain/getUrlForwarding", [domain], idempotent: true, domain: domain)
        return try decode(PorkbunWire.URLForwards.self, data, "domain/getUrlForwarding", domain).forwards ?? []
    }

    /// Not idempotent (each call adds a forward); the provider re-reads after
    /// an unknown outcome before trying again.
    public func addUrlForward(_ domain: String, _ forward: PorkbunWire.URLForwardInput) async throws(ProviderError) {
        let body: [String: Any] = ["subdomain": forward.subdomain, "location": forward.location, "type": forward.type,
                                   "includePath": forward.includePath, "wildcard": forward.wildcard]
        _ = try await call("domain/addUrlForward", [domain], body: body, idempotent: false, domain: domain)
    }

    public func deleteUrlForward(_ domain: String, id: String) async throws(ProviderError) {
        _ = try await call("domain/deleteUrlForward", [domain, id], idempotent: true, domain: domain)
    }
}
