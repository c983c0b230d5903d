import DNSRecords
import Foundation
import HTTPTypes
import Hummingbird

/// The registrars' forwarding hosts of the world (Porkbun's
/// `uixie.porkbun.com`, Namecheap's URL Redirect servers) as one HTTP server
/// on loopback: a request for a forwarded host — named in `Host`, as a
/// browser sends it — gets the forward's code and `Location`, the visited
/// path appended when the forward keeps it. Any other host gets 404. Its
/// address is in the world's JSON line, so `reconcile check --sandbox` asks
/// it for every web forward.
public final class SandboxWeb: Sendable {
    public let server: EmulatorServer

    private init(server: EmulatorServer) { self.server = server }

    public static func start(view: DNSView) async throws -> SandboxWeb {
        let router = Router(context: EmulatorContext.self)
        // A middleware sees every request, matched by no route or not.
        router.add(middleware: Forwarder(view: view))
        return SandboxWeb(server: try await EmulatorServer.start(name: "web", router: router))
    }

    public var address: String { "127.0.0.1" }
    public var port: Int { server.port }
    public var description: String { "\(address):\(port)" }

    public func stop() async { await server.stop() }

    struct Forwarder: RouterMiddleware {
        let view: DNSView

        func handle(_ request: Request, context: EmulatorContext,
                    next: (Request, EmulatorContext) async throws -> Response) async throws -> Response {
            let authority = request.head.authority ?? ""
            let host = authority.split(separator: ":").first.map(String.init) ?? ""
            guard let forward = await view.forward(host: host) else {
                return EmulatorGate.plain(404, request.method == .head ? "" : "no web forward for \(host)\n")
            }
            var location = forward.location
            if forward.keepPath {
                // `request.uri` is the path with its query.
                location = (location.hasSuffix("/") ? String(location.dropLast()) : location) + request.uri.description
            }
            return Response(status: .init(code: forward.code.rawValue), headers: [.location: location])
        }
    }
}
