import Hummingbird

/// `Authorization: Zoho-oauthtoken <token>` (not Bearer, §2.1). Missing, unknown or
/// expired tokens get 401 with `INVALID_OAUTHTOKEN`.
struct ZohoAuth: RouterMiddleware {
    typealias Context = EmulatorContext
    let state: ZohoEmulatorState

    func handle(_ request: Request, context: EmulatorContext,
                next: (Request, EmulatorContext) async throws -> Response) async throws -> Response {
        let header = request.headers[.authorization] ?? ""
        let prefix = "Zoho-oauthtoken "
        guard header.hasPrefix(prefix), await state.tokenValid(String(header.dropFirst(prefix.count))) else {
            return ZohoRoutes.envelope(code: 401, description: "Invalid Input",
                                       data: ["errorCode": "INVALID_OAUTHTOKEN", "error": "INVALID_OAUTHTOKEN", "moreInfo": "Invalid OAuth token"])
        }
        return try await next(request, context)
    }
}
