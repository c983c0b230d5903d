import Crypto
import Foundation
import Hummingbird
import Inventory
import NIOCore

/// Who may read `/`, `/metrics` and `/healthz`: anyone who reaches a
/// loopback listener (a reverse proxy on the same host does the rest), or,
/// with `monitoring.status_auth`, whoever gives its user and password.
public enum StatusAccess: Sendable, Equatable {
    case loopbackOnly
    case basicAuth(user: String, password: String)

    /// A listener on another address needs `status_auth`; its password is read
    /// from the environment here, and only its reference is ever printed.
    public static func resolve(listenHost: String, auth: StatusAuth?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> StatusAccess {
        if let auth {
            guard let password = auth.password.resolve(in: environment) else {
                throw AlertError.configuration("monitoring.status_auth.password: environment variable \(auth.password.name) (referenced as \(auth.password)) is not set")
            }
            return .basicAuth(user: auth.user, password: password)
        }
        guard isLoopback(listenHost) else {
            throw AlertError.configuration("listening on \(listenHost) serves /, /metrics and /healthz beyond this host: set monitoring.status_auth (user and env: password), or listen on 127.0.0.1 behind a reverse proxy")
        }
        return .loopbackOnly
    }

    public static func isLoopback(_ host: String) -> Bool {
        let h = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return h == "localhost" || h == "::1" || h.hasPrefix("127.")
    }

    /// True when the request's `Authorization` header satisfies this access.
    func admits(_ authorization: String?) -> Bool {
        guard case .basicAuth(let user, let password) = self else { return true }
        guard let header = authorization, header.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)) else { return false }
        // Compared as digests so the time taken says nothing about the password.
        return SHA256.hash(data: decoded) == SHA256.hash(data: Data("\(user):\(password)".utf8))
    }
}

/// Answers 401 with a basic-auth challenge unless the access admits the request.
struct StatusAccessGate<Context: RequestContext>: RouterMiddleware {
    let access: StatusAccess

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard access.admits(request.headers[.authorization]) else {
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = "Basic realm=\"reconcile\", charset=\"UTF-8\""
            headers[.contentType] = "text/plain; charset=utf-8"
            return Response(status: .unauthorized, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "authentication required\n")))
        }
        return try await next(request, context)
    }
}

/// Plain answers of the monitor's routes.
enum MonitorReply {
    static func text(_ status: HTTPResponse.Status, _ text: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
