extension ZohoClient {
    /// `disableMailHosting` (§2.4, [3P]): Zoho refuses to delete a domain that
    /// still hosts mail (`RMV_HOSTING_BEFORE_DLT_DOMAIN`), so a teardown turns it off first.
    public func disableMailHosting(_ name: String) async throws(ProviderError) {
        _ = try await mode(name, ZohoModeRequest(mode: "disableMailHosting"), operation: "domains.disableHosting")
    }
}
