extension MailgunClient {
    public func listCredentials(_ domain: String) async throws(ProviderError) -> [MailgunCredential] {
        var out: [MailgunCredential] = [], skip = 0
        while true {
            let r = try await call("GET", "/v3/domains/\(Self.seg(domain))/credentials",
                                   query: [("limit", "1000"), ("skip", String(skip))],
                                   idempotent: true, operation: "credentials.list", domain: domain)
            let page = try decode(MailgunCredentialList.self, r, operation: "credentials.list", domain: domain)
            out += page.items
            if page.items.count < 1000 { return out }
            skip += page.items.count
        }
    }

    /// Creates an SMTP login with a password (5–32 characters) that the caller derived
    /// (`SMTPPasswordDeriver`); the password is never logged or put in an error.
    public func createCredential(_ domain: String, login: String, password: String) async throws(ProviderError) {
        _ = try await call("POST", "/v3/domains/\(Self.seg(domain))/credentials",
                           form: [("login", login), ("password", password)],
                           idempotent: false, operation: "credentials.create", domain: domain)
    }

    /// Setting the same password twice has the same effect, so this is idempotent.
    public func changePassword(_ domain: String, login: String, password: String) async throws(ProviderError) {
        _ = try await call("PUT", "/v3/domains/\(Self.seg(domain))/credentials/\(Self.seg(login))",
                           form: [("password", password)], idempotent: true, operation: "credentials.update", domain: domain)
    }

    @discardableResult
    public func deleteCredential(_ domain: String, login: String) async throws(ProviderError) -> Bool {
        do throws(ProviderError) {
            _ = try await call("DELETE", "/v3/domains/\(Self.seg(domain))/credentials/\(Self.seg(login))",
                               idempotent: true, operation: "credentials.delete", domain: domain)
            return true
        } catch where error.kind == .notFound {
            return false
        }
    }

    /// Makes `login` exist with `password`: create, or (when it exists or the create's
    /// outcome is unknown) set the password. Never creates a second credential.
    public func ensureCredential(_ domain: String, login: String, password: String) async throws(ProviderError) {
        let full = login.contains("@") ? login.lowercased() : "\(login)@\(domain)".lowercased()
        let existing = try await listCredentials(domain)
        if existing.contains(where: { $0.login.lowercased() == full }) {
            try await changePassword(domain, login: full, password: password)
            return
        }
        do throws(ProviderError) {
            try await createCredential(domain, login: full, password: password)
        } catch where error.kind == .outcomeUnknown || error.kind == .invalidRequest {
            let now = try await listCredentials(domain)
            guard now.contains(where: { $0.login.lowercased() == full }) else { throw error }
            try await changePassword(domain, login: full, password: password)
        }
    }
}
