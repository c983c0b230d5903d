import Foundation
import Hummingbird
import NIOCore

/// What an emulator tells the gate about itself: how to name an endpoint,
/// which rate-limit key a request counts against, and how this provider
/// answers when throttled or "unavailable".
public struct EmulatorTraits: Sendable {
    /// Endpoint name for counters, e.g. `dns/create` or `namecheap.domains.dns.getHosts`.
    public var endpoint: @Sendable (Request, ByteBuffer) -> String
    /// Rate-limit key (account, user or IP); one key = one budget.
    public var rateKey: @Sendable (Request, ByteBuffer, EmulatorContext) -> String
    /// The exact answer the real service gives when throttled.
    public var throttled: @Sendable () -> Response
    /// The provider's "unavailable" page (Porkbun: 503 HTML).
    public var unavailable: @Sendable () -> Response

    public init(endpoint: @escaping @Sendable (Request, ByteBuffer) -> String,
                rateKey: @escaping @Sendable (Request, ByteBuffer, EmulatorContext) -> String = { _, _, _ in "account" },
                throttled: @escaping @Sendable () -> Response = { EmulatorGate.plain(429, "Too Many Requests", headers: [.retryAfter: "1"]) },
                unavailable: @escaping @Sendable () -> Response = { EmulatorGate.plain(503, "Service Unavailable") }) {
        self.endpoint = endpoint
        self.rateKey = rateKey
        self.throttled = throttled
        self.unavailable = unavailable
    }
}

/// The middleware every emulator puts in front of its routes: counts each
/// request, enforces the server's rate limits, then rolls the fault die.
/// The request body is collected once here, so handlers can read it again.
public struct EmulatorGate: RouterMiddleware {
    public typealias Context = EmulatorContext
    public let traits: EmulatorTraits
    public let limiter: ServerRateLimiter
    public let faults: FaultInjector
    public let counters: RequestCounters

    public init(traits: EmulatorTraits, limiter: ServerRateLimiter, faults: FaultInjector, counters: RequestCounters) {
        self.traits = traits
        self.limiter = limiter
        self.faults = faults
        self.counters = counters
    }

    public func handle(_ input: Request, context: EmulatorContext,
                       next: (Request, EmulatorContext) async throws -> Response) async throws -> Response {
        var request = input
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let endpoint = traits.endpoint(request, body)
        counters.recordRequest(endpoint)
        guard limiter.admit(key: traits.rateKey(request, body, context)) else {
            counters.recordThrottled(endpoint)
            return traits.throttled()
        }
        guard let fault = faults.next() else { return try await next(request, context) }
        counters.recordFault(endpoint)
        switch fault {
        case .serverError(let status):
            return Self.plain(status, "Internal Server Error")
        case .unavailablePage:
            return traits.unavailable()
        case .slow(let seconds):
            try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            return try await next(request, context)
        case .timeout(let hang, let after):
            let response = after ? try await next(request, context) : Self.plain(504, "Gateway Timeout")
            try? await Task.sleep(nanoseconds: UInt64(hang * 1e9))
            return response
        case .drop(let after):
            if after { _ = try await next(request, context) }
            try? await context.channel.close().get()
            throw CancellationError()
        }
    }

    public static func plain(_ status: Int, _ text: String, headers: HTTPFields = [:]) -> Response {
        var h = headers
        h[.contentType] = "text/plain; charset=utf-8"
        return Response(status: .init(code: status), headers: h, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    public static func bytes(_ status: Int, _ text: String, contentType: String, headers: HTTPFields = [:]) -> Response {
        var h = headers
        h[.contentType] = contentType
        return Response(status: .init(code: status), headers: h, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
