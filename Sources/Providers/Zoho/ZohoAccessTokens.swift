import Foundation

/// OAuth2 refresh-token flow for one Zoho account (mail-platforms.md §2.1).
/// The access token is cached until shortly before `expires_in` runs out (tokens
/// are limited: ≤30 live per refresh token, ≤5 refreshes a minute), concurrent
/// callers share one refresh, and `invalidate` lets the client refresh once after
/// an expired-token answer.
public actor ZohoAccessTokens {
    private let http: ProviderHTTPClient
    private let tokenURL: URL
    private let clientID: String
    private let clientSecret: String
    private let refreshToken: String
    private let clock: any FleetClock
    private var cached: (token: String, expires: Double)?
    private var inFlight: Task<String, any Error>?
    public private(set) var refreshCount = 0

    init(http: ProviderHTTPClient, accountsBase: URL, clientID: String, clientSecret: String, refreshToken: String,
         clock: any FleetClock) {
        self.http = http
        var base = accountsBase.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        self.tokenURL = URL(string: base + "/oauth/v2/token")!
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.clock = clock
    }

    /// A valid access token, refreshed when missing or within a minute of expiry.
    public func token() async throws(ProviderError) -> String {
        if let c = cached, clock.now() < c.expires { return c.token }
        if inFlight == nil {
            inFlight = Task { try await self.refresh() }
        }
        let task = inFlight!
        do {
            let t = try await task.value
            inFlight = nil
            return t
        } catch {
            inFlight = nil
            if let e = error as? ProviderError { throw e }
            throw http.error(.authentication, "oauth.refresh", nil, nil, "token refresh failed")
        }
    }

    /// Forgets `token` if it is still the cached one (the API said it expired).
    public func invalidate(_ token: String) {
        if cached?.token == token { cached = nil }
    }

    private func refresh() async throws -> String {
        refreshCount += 1
        let form = [("grant_type", "refresh_token"), ("refresh_token", refreshToken),
                    ("client_id", clientID), ("client_secret", clientSecret)]
        let body = Data(form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }
            .joined(separator: "&").utf8)
        let request = ProviderRequest(method: "POST", url: tokenURL,
                                  headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
                                  body: body, timeout: 30, idempotent: true)
        let response = try await http.send(request, operation: "oauth.refresh")
        let decoded = try? JSONDecoder().decode(ZohoTokenResponse.self, from: response.body)
        // A bad or revoked refresh token is answered with HTTP 200 and an `error` key (§2.1).
        if let err = decoded?.error {
            throw http.error(.authentication, "oauth.refresh", nil, response.status, "token endpoint refused: \(err)", code: err)
        }
        guard response.status < 300, let token = decoded?.accessToken else {
            throw http.error(.authentication, "oauth.refresh", nil, response.status, "token endpoint answered without a token")
        }
        let lifetime = Double(decoded?.expiresIn ?? 3600)
        cached = (token, clock.now() + max(0, lifetime - 60))
        return token
    }
}
