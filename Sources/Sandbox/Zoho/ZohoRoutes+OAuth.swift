import DNSRecords
import Foundation
import Hummingbird
import NIOCore
import Providers

/// The Zoho emulator's OAuth token endpoint and organization (§2.1, §2.3): token errors are HTTP 200.
extension ZohoRoutes {
    func addToken(_ router: Router<EmulatorContext>) {
        let (state, id, secret, refresh, lifetime) = (self.state, clientID, clientSecret, refreshToken, tokenLifetime)
        router.post("/oauth/v2/token") { request, context in
            let f = MailFormFields.parse(request, body: try await request.collectedBody(context))
            guard f["grant_type"] == "refresh_token" else { return MailReply.object(["error": "unsupported_grant_type"]) }
            guard f["client_id"] == id, f["client_secret"] == secret else { return MailReply.object(["error": "invalid_client"]) }
            guard f["refresh_token"] == refresh else { return MailReply.object(["error": "invalid_code"]) }
            let token = await state.issueToken(lifetime: lifetime)
            return MailReply.object(["access_token": token, "api_domain": "https://www.zohoapis.com", "token_type": "Bearer",
                                     "expires_in": Int(lifetime)])
        }
    }

    func orgMatches(_ context: EmulatorContext) async -> Bool {
        context.parameters.get("zoid") == String(state.zoid)
    }

    func addOrganization(_ api: RouterGroup<EmulatorContext>) {
        let state = self.state
        api.get("organization/:zoid") { _, context in
            guard await self.orgMatches(context) else { return Self.invalid("Organization not found", code: 404) }
            let domains = await state.domains.keys.sorted()
            return Self.ok(["zoid": state.zoid, "orgName": "Sandbox Org", "primaryDomainName": domains.first ?? "",
                            "domains": domains, "usersCount": await state.users.count, "isMailHostingEnabled": true])
        }
    }
}
