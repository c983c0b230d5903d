extension MailgunClient {
    /// Every item of one list, following `paging.next` until an empty page or
    /// `next == last` (§1.12). Items are alphabetical.
    public func suppressions(_ list: MailgunSuppressionList, domain: String, pageSize: Int = 1000) async throws(ProviderError) -> [MailgunSuppression] {
        var out: [MailgunSuppression] = [], seen = Set<String>()
        var query = [("limit", String(min(pageSize, 1000)))]
        while true {
            let r = try await call("GET", "/v3/\(Self.seg(domain))/\(list.rawValue)", query: query, idempotent: true,
                                   operation: "\(list.rawValue).list", domain: domain)
            let page = try decode(MailgunSuppressionPage.self, r, operation: "\(list.rawValue).list", domain: domain)
            var fresh = 0
            for item in page.items where seen.insert(item.address.lowercased()).inserted { out.append(item); fresh += 1 }
            guard fresh > 0, page.items.count >= pageSize, let last = page.items.last else { return out }
            query = [("limit", String(min(pageSize, 1000))), ("page", "next"), ("address", last.address)]
        }
    }

    public func suppression(_ list: MailgunSuppressionList, domain: String, address: String) async throws(ProviderError) -> MailgunSuppression? {
        do throws(ProviderError) {
            let r = try await call("GET", "/v3/\(Self.seg(domain))/\(list.rawValue)/\(Self.seg(address))", idempotent: true,
                                   operation: "\(list.rawValue).get", domain: domain)
            return try decode(MailgunSuppression.self, r, operation: "\(list.rawValue).get", domain: domain)
        } catch where error.kind == .notFound {
            return nil
        }
    }

    /// Upsert at Mailgun, hence idempotent.
    public func addSuppression(_ list: MailgunSuppressionList, domain: String, _ item: MailgunSuppression) async throws(ProviderError) {
        var form = [("address", item.address)]
        switch list {
        case .bounces:
            form.append(("code", item.code?.value ?? "550"))
            if let e = item.error { form.append(("error", e)) }
        case .unsubscribes:
            for t in item.tags ?? ["*"] { form.append(("tag", t)) }
        case .complaints: break
        }
        _ = try await call("POST", "/v3/\(Self.seg(domain))/\(list.rawValue)", form: form, idempotent: true,
                           operation: "\(list.rawValue).add", domain: domain)
    }

    @discardableResult
    public func deleteSuppression(_ list: MailgunSuppressionList, domain: String, address: String) async throws(ProviderError) -> Bool {
        do throws(ProviderError) {
            _ = try await call("DELETE", "/v3/\(Self.seg(domain))/\(list.rawValue)/\(Self.seg(address))", idempotent: true,
                               operation: "\(list.rawValue).delete", domain: domain)
            return true
        } catch where error.kind == .notFound {
            return false
        }
    }
}
