import DNSRecords
import Foundation
import HTTPTypes
import Hummingbird
import Inventory
import Reconciler
import Resolver
import Testing
import TestSupport
import Watch

/// `check`'s web verdicts against a real HTTP server on loopback, reached
/// through `WebVia` with each domain in `Host` (as `--web-via` does): a
/// forward answering as declared, one with another code, one elsewhere, a
/// page without a redirect; and a closed port, which is "could not check".
@Suite("check's web forwards over HTTP", .serialized)
struct WebForwardCheckTests {
    /// What the server answers, by `Host`: status and Location.
    static let answers: [String: (Int, String?)] = [
        // A forwarder that keeps the path appends `/`: the same target.
        "good.test": (301, "https://acme.com/"),
        "www.good.test": (301, "https://acme.com"),
        "temporary.test": (302, "https://acme.com/"),
        "elsewhere.test": (301, "https://parked.example/"),
        "parked.test": (200, nil),
    ]

    struct Answerer: RouterMiddleware {
        typealias Context = BasicRequestContext
        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            let host = (request.head.authority ?? "").split(separator: ":").first.map(String.init) ?? ""
            guard request.method == .head, let answer = WebForwardCheckTests.answers[host] else {
                return Response(status: .notFound)
            }
            var headers = HTTPFields()
            if let location = answer.1 { headers[.location] = location }
            return Response(status: .init(code: answer.0), headers: headers)
        }
    }

    /// Runs `body` with a server on 127.0.0.1 answering `answers`, then stops it.
    func withServer(_ body: (Int) async throws -> Void) async throws {
        let router = Router()
        router.add(middleware: Answerer())
        let (ports, cont) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { cont.yield($0.localAddress?.port ?? 0); cont.finish() })
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var it = ports.makeAsyncIterator()
        let port = try #require(await it.next())
        do { try await body(port) } catch { task.cancel(); _ = await task.result; throw error }
        task.cancel()
        _ = await task.result
    }

    static func zone(_ domain: String, www: Bool = false) -> ExpectedZone {
        var z = ExpectedZone(domain: domain, group: "g1", records: [], nameservers: ["ns1.example.net"])
        z.web = WebForwarding(forwardTo: "https://acme.com", code: .permanent, keepPath: true, www: www).forwards
        return z
    }

    func check(_ knot: KnotServer, webPort: Int, _ zones: [ExpectedZone]) async -> CheckReport {
        await FleetCheck(resolver: DNSResolver(timeoutMilliseconds: 300, triesPerServer: 1),
                         nameserver: DNSServer(address: "127.0.0.1", port: knot.port),
                         web: WebProbe(via: WebVia(address: "127.0.0.1", port: webPort), timeoutMilliseconds: 5_000)).run(zones)
    }

    static let domains = ["good.test", "temporary.test", "elsewhere.test", "parked.test"]

    func knot() throws -> KnotServer {
        try KnotServer(zones: Dictionary(uniqueKeysWithValues: Self.domains.map { ($0, "@ NS ns1.example.net.") }))
    }

    @Test func eachForwardIsJudgedByItsCodeAndLocation() async throws {
        let knot = try knot()
        defer { knot.stop() }
        try await withServer { port in
            let r = await check(knot, webPort: port, [Self.zone("good.test", www: true)] + Self.domains.dropFirst().map { Self.zone($0) })
            let byDomain = Dictionary(uniqueKeysWithValues: r.domains.map { ($0.domain, $0) })
            let good = try #require(byDomain["good.test"])
            #expect(good.status == .ok, "\(CheckRender.text(r))")
            #expect(good.web.map(\.url) == ["http://good.test/", "http://www.good.test/"])
            #expect(byDomain["temporary.test"]?.web.first?.detail == "status 302, declared 301")
            #expect(byDomain["elsewhere.test"]?.web.first?.detail == "Location elsewhere")
            #expect(byDomain["parked.test"]?.web.first?.answered == "200 without Location")
            #expect(r.domains.filter { $0.status == .differs }.map(\.domain) == ["temporary.test", "elsewhere.test", "parked.test"])
            #expect(r.exitCode == 2)

            let text = CheckRender.text(r)
            #expect(text.contains("good.test: as declared (1 record sets, 2 web forwards)"), "\(text)")
            #expect(text.contains("✗ HEAD http://elsewhere.test/ (web forward) differs: expected 301 https://acme.com, answered 301 https://parked.example/ (Location elsewhere)"), "\(text)")
            #expect(text.contains("and 5 web forwards over HTTP via 127.0.0.1:\(port)"), "\(text)")
            #expect(CheckRender.markdown(r).contains("| `temporary.test` | `HEAD http://temporary.test/` (web forward) | different: status 302, declared 301 | 301 https://acme.com | 302 https://acme.com/ |"))
            #expect(try CheckRender.json(r).contains("\"answered\" : \"200 without Location\""))
        }
    }

    @Test func aClosedPortCouldNotBeCheckedNeverDiffers() async throws {
        let knot = try knot()
        defer { knot.stop() }
        // The server's port once it has stopped: nothing listens there.
        var closed = 0
        try await withServer { closed = $0 }
        let r = await check(knot, webPort: closed, [Self.zone("good.test")])
        let f = try #require(r.domains.first?.web.first)
        #expect(f.status == .unknown && !f.isDifference)
        #expect(f.detail?.contains("curl 7") == true, "\(f)")
        #expect(r.exitCode == 1)
        #expect(CheckRender.text(r).contains("1 web forward could not be checked"), "\(CheckRender.text(r))")
    }
}
