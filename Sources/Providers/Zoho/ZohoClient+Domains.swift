extension ZohoClient {
    public func listDomains() async throws(ProviderError) -> [ZohoDomain] {
        let r = try await call("GET", "\(orgPath)/domains", idempotent: true, operation: "domains.list")
        return try decode(ZohoDomainList.self, r, operation: "domains.list", domain: nil).domainVO
    }

    public func getDomain(_ name: String) async throws(ProviderError) -> ZohoDomain {
        let r = try await call("GET", "\(orgPath)/domains/\(name)", idempotent: true, operation: "domains.get", domain: name)
        return try decode(ZohoDomain.self, r, operation: "domains.get", domain: name)
    }

    /// Adds the domain; the answer carries the verification codes. Not idempotent:
    /// `ensureDomain` re-reads after an unknown outcome or an "already exists" refusal.
    public func addDomain(_ name: String) async throws(ProviderError) -> ZohoDomain {
        let r = try await call("POST", "\(orgPath)/domains", body: ZohoAddDomain(domainName: name), idempotent: false,
                               operation: "domains.add", domain: name)
        return try decode(ZohoDomain.self, r, operation: "domains.add", domain: name)
    }

    public func ensureDomain(_ name: String) async throws(ProviderError) -> ZohoDomain {
        do throws(ProviderError) { return try await getDomain(name) } catch where error.kind == .notFound {}
        do throws(ProviderError) {
            return try await addDomain(name)
        } catch where error.kind == .outcomeUnknown || error.kind == .invalidRequest {
            return try await getDomain(name)
        }
    }

    @discardableResult
    public func deleteDomain(_ name: String) async throws(ProviderError) -> Bool {
        do throws(ProviderError) {
            _ = try await call("DELETE", "\(orgPath)/domains/\(name)", idempotent: true, operation: "domains.delete", domain: name)
            return true
        } catch where error.kind == .notFound {
            return false
        }
    }

    func mode(_ name: String, _ body: ZohoModeRequest, operation: String) async throws(ProviderError) -> ProviderResponse {
        try await call("PUT", "\(orgPath)/domains/\(name)", body: body, idempotent: true, operation: operation, domain: name)
    }

    func verifyResult(_ r: ProviderResponse, operation: String, domain: String) throws(ProviderError) -> ZohoVerifyResult {
        (try? decode(ZohoVerifyResult.self, r, operation: operation, domain: domain)) ?? ZohoVerifyResult()
    }

    /// Ownership by TXT. Failure is HTTP 200 with `status: false` (§2.4): returned, not thrown.
    /// An "already verified" refusal counts as verified.
    public func verifyDomainByTXT(_ name: String) async throws(ProviderError) -> Bool {
        do throws(ProviderError) {
            let r = try await mode(name, ZohoModeRequest(mode: "verifyDomainByTXT"), operation: "domains.verifyTXT")
            return try verifyResult(r, operation: "domains.verifyTXT", domain: name).status?.isTrue ?? false
        } catch where error.code == "DOMAIN_ALREADY_VERIFIED" {
            return true
        }
    }

    public func enableMailHosting(_ name: String) async throws(ProviderError) {
        do throws(ProviderError) {
            _ = try await mode(name, ZohoModeRequest(mode: "enableMailHosting"), operation: "domains.enableHosting")
        } catch where error.code == "MAILHOSTING_ALREADY_ENABLED" {}
    }

    public func verifyMX(_ name: String) async throws(ProviderError) -> Bool {
        let r = try await mode(name, ZohoModeRequest(mode: "verifyMxRecord"), operation: "domains.verifyMX")
        return try verifyResult(r, operation: "domains.verifyMX", domain: name).mxstatus?.isTrue ?? false
    }

    /// The sample request spells the mode with a capital V (`VerifySpfRecord`); that spelling is sent.
    public func verifySPF(_ name: String) async throws(ProviderError) -> Bool {
        let r = try await mode(name, ZohoModeRequest(mode: "VerifySpfRecord"), operation: "domains.verifySPF")
        return try verifyResult(r, operation: "domains.verifySPF", domain: name).spfstatus?.isTrue ?? false
    }

    /// Adds a DKIM selector. The echo's `isDefault` is not trusted (§2.4): re-read with `dkimKeys`.
    public func addDKIM(_ name: String, selector: String, keySize: Int = 2048) async throws(ProviderError) -> ZohoDKIM {
        let r = try await call("PUT", "\(orgPath)/domains/\(name)",
                               body: ZohoModeRequest(mode: "addDkimDetail", selector: selector, isDefault: true, keySize: keySize),
                               idempotent: false, operation: "domains.addDKIM", domain: name)
        return try decode(ZohoDKIM.self, r, operation: "domains.addDKIM", domain: name)
    }

    /// The domain's DKIM keys with their public keys (from `GET .../domains/{name}`).
    public func dkimKeys(_ name: String) async throws(ProviderError) -> [ZohoDKIM] {
        try await getDomain(name).dkimDetailList ?? []
    }

    public func ensureDKIM(_ name: String, selector: String, keySize: Int = 2048) async throws(ProviderError) -> ZohoDKIM {
        if let k = try await dkimKeys(name).first(where: { $0.selector == selector }) { return k }
        do throws(ProviderError) {
            return try await addDKIM(name, selector: selector, keySize: keySize)
        } catch where error.kind == .outcomeUnknown || error.kind == .invalidRequest {
            guard let k = try await dkimKeys(name).first(where: { $0.selector == selector }) else { throw error }
            return k
        }
    }

    public func verifyDKIM(_ name: String, dkimID: ZohoID) async throws(ProviderError) -> Bool {
        let r = try await mode(name, ZohoModeRequest(mode: "verifyDkimKey", dkimId: dkimID), operation: "domains.verifyDKIM")
        return try verifyResult(r, operation: "domains.verifyDKIM", domain: name).dkimstatus?.isTrue ?? false
    }

    public func makeDKIMDefault(_ name: String, dkimID: ZohoID) async throws(ProviderError) {
        _ = try await mode(name, ZohoModeRequest(mode: "makeDkimDefault", dkimId: dkimID), operation: "domains.defaultDKIM")
    }

    /// `GET /api/organization/{zoid}` — confirms the org id and the token's reach.
    public func organizationZoid() async throws(ProviderError) -> String {
        struct Org: Codable, Sendable { var zoid: ZohoID }
        let r = try await call("GET", orgPath, idempotent: true, operation: "organization.get")
        return try decode(Org.self, r, operation: "organization.get", domain: nil).zoid.value
    }
}
