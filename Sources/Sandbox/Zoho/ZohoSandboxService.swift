extension SandboxServiceFactory {
    /// `zoho`: the token endpoint and the Mail API on one URL (use it for both hosts).
    public static let zoho = SandboxServiceFactory(apiName: "zoho") { ctx in
        let emulator = try await ZohoEmulator.start(
            dns: ctx.dnsView, clientID: "1000.SANDBOXCLIENTID", clientSecret: "sandbox-client-secret",
            refreshToken: "1000.sandbox.refresh-token", faults: ctx.faults, seed: ctx.faultSeed &+ 13)
        return RunningService(apiName: "zoho", server: emulator.server,
                              descriptor: ["url": emulator.url.absoluteString, "accounts_url": emulator.url.absoluteString,
                                           "region": emulator.region.rawValue, "org_id": emulator.orgID,
                                           "client_id": emulator.clientID, "client_secret": emulator.clientSecret,
                                           "refresh_token": emulator.refreshToken])
    }
}
