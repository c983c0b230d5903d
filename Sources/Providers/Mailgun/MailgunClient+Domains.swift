import Foundation

/// The outcome of `PUT /v4/domains/{name}/verify`: a 200 whose domain is still
/// unverified is **not** success (issue 4), so the state is reported, with the
/// records Mailgun did not find valid.
public struct MailgunVerification: Sendable, Hashable {
    public var response: MailgunDomainResponse
    public init(response: MailgunDomainResponse) { self.response = response }
    public var isActive: Bool { response.domain.isActive }
    /// Records whose `valid` is not `valid` (case-insensitive).
    public var invalidRecords: [MailgunDNSRecord] {
        (response.sendingDNSRecords ?? []).filter { !$0.isValid }
    }
}

extension MailgunClient {
    /// One page of domains; `limit` ≤ 1000 (§1.4).
    public func listDomains(limit: Int = 1000, skip: Int = 0, state: String? = nil) async throws(ProviderError) -> MailgunDomainList {
        var q = [("limit", String(min(limit, 1000))), ("skip", String(skip))]
        if let state { q.append(("state", state)) }
        let r = try await call("GET", "/v4/domains", query: q, idempotent: true, operation: "domains.list")
        return try decode(MailgunDomainList.self, r, operation: "domains.list", domain: nil)
    }

    /// Every domain of this region, paged until a short page.
    public func allDomains(pageSize: Int = 1000) async throws(ProviderError) -> [MailgunDomain] {
        var out: [MailgunDomain] = [], seen = Set<String>()
        var skip = 0
        while true {
            let page = try await listDomains(limit: pageSize, skip: skip)
            for d in page.items where seen.insert(d.name).inserted { out.append(d) }
            if page.items.count < pageSize { return out }
            skip += page.items.count
        }
    }

    public func getDomain(_ name: String) async throws(ProviderError) -> MailgunDomainResponse {
        let r = try await call("GET", "/v4/domains/\(Self.seg(name))", idempotent: true, operation: "domains.get", domain: name)
        return try decode(MailgunDomainResponse.self, r, operation: "domains.get", domain: name)
    }

    /// Creates the domain. Not idempotent: after `.outcomeUnknown`, re-read with `getDomain`
    /// (`ensureDomain` does this).
    public func createDomain(_ spec: MailgunDomainSpec) async throws(ProviderError) -> MailgunDomainResponse {
        let r = try await call("POST", "/v4/domains", form: spec.formFields, idempotent: false,
                               operation: "domains.create", domain: spec.name)
        return try decode(MailgunDomainResponse.self, r, operation: "domains.create", domain: spec.name)
    }

    /// Deletes the domain (v3, asynchronous at Mailgun). Returns false when it was already absent.
    @discardableResult
    public func deleteDomain(_ name: String) async throws(ProviderError) -> Bool {
        do throws(ProviderError) {
            _ = try await call("DELETE", "/v3/domains/\(Self.seg(name))", idempotent: true, operation: "domains.delete", domain: name)
            return true
        } catch where error.kind == .notFound {
            return false
        }
    }

    /// The records Mailgun requires, as reported by `GET /v4/domains/{name}`.
    public func requiredRecords(_ name: String, ttl: Int = 3600) async throws(ProviderError) -> MailgunRequiredRecords {
        MailgunRequiredRecords(domain: name, response: try await getDomain(name), ttl: ttl)
    }

    /// Asks Mailgun to re-check DNS now.
    public func verifyDomain(_ name: String) async throws(ProviderError) -> MailgunVerification {
        let r = try await call("PUT", "/v4/domains/\(Self.seg(name))/verify", idempotent: true, operation: "domains.verify", domain: name)
        return MailgunVerification(response: try decode(MailgunDomainResponse.self, r, operation: "domains.verify", domain: name))
    }

    /// Like `verifyDomain` but throws when the domain is still not active.
    public func requireVerified(_ name: String) async throws(ProviderError) -> MailgunDomainResponse {
        let v = try await verifyDomain(name)
        guard v.isActive else {
            let names = v.invalidRecords.map { "\($0.recordType) \($0.name ?? name)" }.joined(separator: ", ")
            throw http.error(.provider, "domains.verify", name, 200,
                             "domain is still \(v.response.domain.state); records not valid: \(names)", code: "unverified")
        }
        return v.response
    }

    /// Creates the domain unless it exists; safe to repeat after any failure.
    public func ensureDomain(_ spec: MailgunDomainSpec) async throws(ProviderError) -> MailgunDomainResponse {
        do throws(ProviderError) {
            return try await getDomain(spec.name)
        } catch where error.kind == .notFound {}
        do throws(ProviderError) {
            return try await createDomain(spec)
        } catch where error.kind == .outcomeUnknown || (error.kind == .invalidRequest && error.message.lowercased().contains("already taken")) {
            return try await getDomain(spec.name)
        }
    }

    /// The account's HTTP webhook signing key (`GET /v5/accounts/http_signing_key`).
    public func webhookSigningKey() async throws(ProviderError) -> String {
        let r = try await call("GET", "/v5/accounts/http_signing_key", idempotent: true, operation: "accounts.signing_key")
        return try decode(MailgunSigningKeyResponse.self, r, operation: "accounts.signing_key", domain: nil).httpSigningKey
    }
}
