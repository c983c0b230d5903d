extension ZohoClient {
    /// Every user, paging until a short page and de-duplicating by `zuid`, because
    /// whether `start` is 0- or 1-based is unverified (§2.5).
    public func listUsers(pageSize: Int = 100) async throws(ProviderError) -> [ZohoUser] {
        var out: [ZohoUser] = [], seen = Set<String>()
        var start = 0
        while true {
            let r = try await call("GET", "\(orgPath)/accounts", query: [("start", String(start)), ("limit", String(pageSize))],
                                   idempotent: true, operation: "users.list")
            let page = try decode([ZohoUser].self, r, operation: "users.list", domain: nil)
            var fresh = 0
            for u in page where seen.insert(u.zuid.value).inserted { out.append(u); fresh += 1 }
            if page.count < pageSize || fresh == 0 { return out }
            start += page.count
        }
    }

    public func addUser(_ user: ZohoNewUser) async throws(ProviderError) -> ZohoUser {
        let r = try await call("POST", "\(orgPath)/accounts", body: user, idempotent: false, operation: "users.add",
                               domain: user.primaryEmailAddress.split(separator: "@").last.map(String.init))
        return try decode(ZohoUser.self, r, operation: "users.add", domain: nil)
    }

    /// Adds the user unless one with that address exists (safe after a lost answer).
    public func ensureUser(_ user: ZohoNewUser) async throws(ProviderError) -> ZohoUser {
        let address = user.primaryEmailAddress.lowercased()
        if let u = try await listUsers().first(where: { $0.address?.lowercased() == address }) { return u }
        do throws(ProviderError) {
            return try await addUser(user)
        } catch where error.kind == .outcomeUnknown || error.kind == .invalidRequest {
            guard let u = try await listUsers().first(where: { $0.address?.lowercased() == address }) else { throw error }
            return u
        }
    }

    /// The path takes `accountId`, the body repeats `zuid` (§2.5: they differ).
    public func disableUser(_ user: ZohoUser) async throws(ProviderError) {
        _ = try await call("PUT", "\(orgPath)/accounts/\(user.accountId.value)",
                           body: ZohoModeRequest(mode: "disableUser", zuid: user.zuid, blockIncoming: true, removeMailforward: true,
                                                 removeGroupMembership: true, removeAlias: false),
                           idempotent: true, operation: "users.disable")
    }

    public func enableUser(_ user: ZohoUser) async throws(ProviderError) {
        _ = try await call("PUT", "\(orgPath)/accounts/\(user.accountId.value)",
                           body: ZohoModeRequest(mode: "enableUser", zuid: user.zuid, unblockIncoming: true),
                           idempotent: true, operation: "users.enable")
    }

    /// Deletes by `zuid` (the body decides who is deleted).
    @discardableResult
    public func deleteUser(_ user: ZohoUser) async throws(ProviderError) -> Bool {
        do throws(ProviderError) {
            _ = try await call("DELETE", "\(orgPath)/accounts", body: ZohoDeleteUsers(accountList: [user.zuid]),
                               idempotent: true, operation: "users.delete")
            return true
        } catch where error.kind == .notFound {
            return false
        }
    }
}
