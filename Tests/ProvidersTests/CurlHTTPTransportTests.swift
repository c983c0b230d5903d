import Foundation
import HTTPTypes
import Hummingbird
import Testing
@testable import Providers
@testable import Sandbox

/// The libcurl transport against a real loopback HTTP server: what leaves is
/// what was asked, what comes back is what was answered, and the ways an
/// attempt fails are told apart by libcurl's code.
@Suite struct CurlHTTPTransportTests {
    /// Echoes the request as `METHOD|content-type|expect|user-agent|x-probe|bytes`.
    private static func start() async throws -> EmulatorServer {
        let router = Router(context: EmulatorContext.self)
        let echo: @Sendable (Request, EmulatorContext) async throws -> Response = { req, _ in
            let body = try await req.body.collect(upTo: .max)
            let fields = [req.method.rawValue, req.headers[.contentType] ?? "-", req.headers[.expect] ?? "-",
                          req.headers[.userAgent] ?? "-", req.headers[HTTPField.Name("X-Probe")!] ?? "-", "\(body.readableBytes)"]
            return EmulatorGate.plain(200, fields.joined(separator: "|"))
        }
        router.get("echo", use: echo)
        router.post("echo", use: echo)
        router.put("echo", use: echo)
        router.delete("echo", use: echo)
        router.get("repeated") { _, _ -> Response in
            var h = HTTPFields()
            h.append(HTTPField(name: HTTPField.Name("X-Rep")!, value: "a"))
            h.append(HTTPField(name: HTTPField.Name("X-Rep")!, value: "b"))
            h[.retryAfter] = "7"
            return EmulatorGate.plain(429, "slow down", headers: h)
        }
        // The caller's port: the same one means the same connection.
        let port: @Sendable (Request, EmulatorContext) async throws -> Response = { _, ctx in
            EmulatorGate.plain(200, "\(ctx.channel.remoteAddress?.port ?? -1)")
        }
        router.get("port", use: port)
        router.post("port", use: port)
        router.get("hang") { _, _ -> Response in
            try? await Task.sleep(nanoseconds: 3_000_000_000)
            return EmulatorGate.plain(200, "late")
        }
        return try await EmulatorServer.start(name: "curl-echo", router: router)
    }

    private static func withServer(_ body: (URL) async throws -> Void) async throws {
        let server = try await start()
        do { try await body(server.baseURL) } catch { await server.stop(); throw error }
        await server.stop()
    }

    private static func failure(_ send: () async throws(TransportFailure) -> ProviderResponse) async -> TransportFailure? {
        do { _ = try await send(); return nil } catch { return error }
    }

    @Test func methodsBodiesAndHeadersLeaveAsAsked() async throws {
        try await Self.withServer { base in
            let http = CurlHTTPTransport()
            let url = base.appendingPathComponent("echo")
            func echo(_ method: String, _ body: Data?, _ headers: [String: String] = [:], idempotent: Bool = true) async throws -> String {
                let r = try await http.send(ProviderRequest(method: method, url: url, headers: headers, body: body, timeout: 10, idempotent: idempotent))
                #expect(r.status == 200)
                return r.text
            }
            let get = try await echo("GET", nil, ["X-Probe": "one"])
            #expect(get == "GET|-|-|reconcile|one|0")
            let post = try await echo("POST", Data("a=1".utf8), ["Content-Type": "application/json"], idempotent: false)
            #expect(post == "POST|application/json|-|reconcile|-|3")
            // An empty POST still is a POST, with no body.
            let empty = try await echo("POST", nil)
            #expect(empty.hasPrefix("POST|") && empty.hasSuffix("|0"), "\(empty)")
            let put = try await echo("PUT", Data("x".utf8), ["User-Agent": "mine"])
            #expect(put == "PUT|application/x-www-form-urlencoded|-|mine|-|1")
            let delete = try await echo("DELETE", nil)
            #expect(delete == "DELETE|-|-|reconcile|-|0")
            // A large body goes at once: no `Expect: 100-continue` and its wait.
            let large = try await echo("POST", Data(repeating: 0x61, count: 300_000), ["Content-Type": "message/rfc822"], idempotent: false)
            #expect(large == "POST|message/rfc822|-|reconcile|-|300000")
        }
    }

    @Test func answersKeepStatusBodyAndLowercasedHeadersWithRepeatsJoined() async throws {
        try await Self.withServer { base in
            let r = try await CurlHTTPTransport().send(ProviderRequest(method: "GET", url: base.appendingPathComponent("repeated"), idempotent: true))
            #expect(r.status == 429 && r.text == "slow down")
            #expect(r.headers["x-rep"] == "a, b" && r.header("Retry-After") == "7")
            #expect(r.headers["content-type"] == "text/plain; charset=utf-8")
        }
    }

    /// Sequential reads go over one kept connection; a write that must happen
    /// at most once always opens its own (libcurl would resend it on a kept
    /// connection found dead before the answer).
    @Test func readsReuseAConnectionAndWritesOpenTheirOwn() async throws {
        try await Self.withServer { base in
            let http = CurlHTTPTransport()
            func port(_ method: String, idempotent: Bool) async throws -> String {
                try await http.send(ProviderRequest(method: method, url: base.appendingPathComponent("port"), timeout: 10, idempotent: idempotent)).text
            }
            var reads: [String] = []
            for _ in 0..<5 { reads.append(try await port("GET", idempotent: true)) }
            #expect(Set(reads).count == 1, "\(reads)")
            var writes: [String] = []
            for _ in 0..<3 { writes.append(try await port("POST", idempotent: false)) }
            #expect(Set(writes).count == 3 && !writes.contains(reads[0]), "\(writes) after \(reads)")
            // An idempotent POST may reuse.
            let again = [try await port("POST", idempotent: true), try await port("POST", idempotent: true)]
            #expect(again[0] == again[1], "\(again)")
        }
    }

    /// Sub-second timeouts hold (Foundation's URLSession on Linux fired them
    /// before sending, so they used to be rounded up to a second).
    @Test func aTimeoutIsTimedOutAndCancellationAbortsTheTransfer() async throws {
        try await Self.withServer { base in
            let http = CurlHTTPTransport()
            let hang = ProviderRequest(method: "GET", url: base.appendingPathComponent("hang"), timeout: 0.3, idempotent: true)
            guard case .timedOut(let what)? = await Self.failure({ () async throws(TransportFailure) in try await http.send(hang) }) else {
                Issue.record("not timed out"); return
            }
            #expect(what.hasPrefix("curl 28: "))

            // Without the abort the transfer would end after 3 s with a 200.
            var patient = hang
            patient.timeout = 30
            let task = Task { () async -> TransportFailure? in
                await Self.failure({ () async throws(TransportFailure) in try await http.send(patient) })
            }
            try await Task.sleep(nanoseconds: 200_000_000)
            task.cancel()
            #expect(await task.value == .cancelled)
        }
    }

    @Test func connectionFailuresAreToldApartByCode() async throws {
        let http = CurlHTTPTransport()
        // A port nothing listens on: bound, then closed.
        let server = try await Self.start()
        let closed = server.baseURL
        await server.stop()
        let refused = await Self.failure({ () async throws(TransportFailure) in
            try await http.send(ProviderRequest(method: "GET", url: closed.appendingPathComponent("echo"), idempotent: true))
        })
        #expect(refused == .cannotConnect("curl 7: Couldn't connect to server", fault: nil), "\(String(describing: refused))")

        // RFC 6761 `.invalid` with a 64-octet label: the resolver refuses it without sending a query.
        let host = String(repeating: "a", count: 64) + ".invalid"
        let unresolved = await Self.failure({ () async throws(TransportFailure) in
            try await http.send(ProviderRequest(method: "GET", url: URL(string: "https://\(host)/v3")!, idempotent: true))
        })
        guard case .cannotConnect(let what, .hostNotFound)? = unresolved else { Issue.record("\(String(describing: unresolved))"); return }
        #expect(what.hasPrefix("curl 6: ") && !what.contains(host))
    }
}
