import Foundation
import Hummingbird

/// HTTP Basic `api:KEY` (§1.1). A bad key gets the plain-text `Forbidden` on
/// `/messages` (recorded) and `{"message": "Invalid private key"}` elsewhere (documented).
/// Unknown paths get an HTML 404 page, as recorded for `/v3/lists/`.
struct MailgunAuth: RouterMiddleware {
    typealias Context = EmulatorContext
    let apiKey: String

    func handle(_ request: Request, context: EmulatorContext,
                next: (Request, EmulatorContext) async throws -> Response) async throws -> Response {
        let expected = "Basic " + Data("api:\(apiKey)".utf8).base64EncodedString()
        guard request.headers[.authorization] == expected else {
            if request.uri.path.hasSuffix("/messages") { return MailReply.text(401, "Forbidden") }
            return MailReply.message("Invalid private key", status: 401)
        }
        do {
            return try await next(request, context)
        } catch let e as HTTPError where e.status == .notFound {
            return MailReply.text(404, "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
                                  contentType: "text/html; charset=utf-8")
        }
    }
}
