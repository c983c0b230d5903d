extension SandboxServiceFactory {
    /// `zoho`: the token endpoint and the Mail API on one URL (use it for both hosts).
    /// The organisation is the seed's (the inventory's zoho account: region and org id),
    /// else the one a saved state recorded, else `SandboxZohoOrg.default`.
    public static let zoho = SandboxServiceFactory(apiName: "zoho") { ctx in
        let org = ctx.zoho ?? ZohoEmulator.savedOrganisation(ctx.savedState) ?? .default
        let emulator = try await ZohoEmulator.start(
            region: org.region, dns: ctx.dnsView, clientID: "1000.SANDBOXCLIENTID", clientSecret: "sandbox-client-secret",
            refreshToken: "1000.sandbox.refresh-token", orgID: org.zoid, faults: ctx.faults, seed: ctx.faultSeed &+ 13,
            savedState: ctx.savedState)
        return RunningService(apiName: "zoho", server: emulator.server, url: emulator.url,
                              credentials: .zoho(.init(region: emulator.region, orgID: emulator.orgID, clientID: emulator.clientID,
                                                       clientSecret: emulator.clientSecret, refreshToken: emulator.refreshToken)),
                              counters: emulator.counters, exportState: { try emulator.exportState() })
    }
}
