extension MailgunClient {
    public func listRoutes(skip: Int = 0, limit: Int = 1000) async throws(ProviderError) -> MailgunRouteList {
        let r = try await call("GET", "/v3/routes", query: [("skip", String(skip)), ("limit", String(min(limit, 1000)))],
                               idempotent: true, operation: "routes.list")
        return try decode(MailgunRouteList.self, r, operation: "routes.list", domain: nil)
    }

    public func allRoutes() async throws(ProviderError) -> [MailgunRoute] {
        var out: [MailgunRoute] = [], skip = 0
        while true {
            let page = try await listRoutes(skip: skip)
            out += page.items
            if page.items.count < 1000 { return out }
            skip += page.items.count
        }
    }

    public func getRoute(_ id: String) async throws(ProviderError) -> MailgunRoute {
        let r = try await call("GET", "/v3/routes/\(Self.seg(id))", idempotent: true, operation: "routes.get")
        return try decode(MailgunRouteResponse.self, r, operation: "routes.get", domain: nil).route
    }

    /// Not idempotent (ids are generated): after `.outcomeUnknown` look the route up
    /// by its description (`ensureRoute`).
    public func createRoute(_ spec: MailgunRouteSpec) async throws(ProviderError) -> MailgunRoute {
        let r = try await call("POST", "/v3/routes", form: spec.formFields, idempotent: false, operation: "routes.create")
        return try decode(MailgunRouteResponse.self, r, operation: "routes.create", domain: nil).route
    }

    /// Accepts both the recorded flat answer and the documented wrapped one (§1.13).
    public func updateRoute(_ id: String, _ spec: MailgunRouteSpec) async throws(ProviderError) -> MailgunRoute {
        let r = try await call("PUT", "/v3/routes/\(Self.seg(id))", form: spec.formFields, idempotent: true, operation: "routes.update")
        return try decode(MailgunRouteResponse.self, r, operation: "routes.update", domain: nil).route
    }

    @discardableResult
    public func deleteRoute(_ id: String) async throws(ProviderError) -> Bool {
        do throws(ProviderError) {
            _ = try await call("DELETE", "/v3/routes/\(Self.seg(id))", idempotent: true, operation: "routes.delete")
            return true
        } catch where error.kind == .notFound {
            return false
        }
    }

    /// Exactly one route with `spec.description` and the spec's content afterwards:
    /// extra copies (from an earlier lost answer) are deleted, a differing one updated.
    public func ensureRoute(_ spec: MailgunRouteSpec) async throws(ProviderError) -> MailgunRoute {
        var matching = try await allRoutes().filter { $0.description == spec.description }
        if matching.isEmpty {
            do throws(ProviderError) {
                return try await createRoute(spec)
            } catch where error.kind == .outcomeUnknown {
                matching = try await allRoutes().filter { $0.description == spec.description }
                if matching.isEmpty { return try await createRoute(spec) }
            }
        }
        let keep = matching.sorted { ($0.createdAt ?? "", $0.id) < ($1.createdAt ?? "", $1.id) }[0]
        for extra in matching where extra.id != keep.id { try await deleteRoute(extra.id) }
        return spec.matches(keep) ? keep : try await updateRoute(keep.id, spec)
    }
}
