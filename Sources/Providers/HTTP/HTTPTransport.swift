import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The wire, as a seam. Production and tests both use `URLSessionTransport`
/// (tests talk to real loopback servers); the protocol exists so the retry
/// logic does not depend on a concrete session.
public protocol HTTPTransport: Sendable {
    func send(_ request: ProviderRequest) async throws(TransportFailure) -> ProviderResponse
}

/// How an attempt failed below HTTP. The distinction matters for writes that
/// are not idempotent: only `cannotConnect` proves the request never left.
public enum TransportFailure: Error, Sendable, Equatable {
    /// Refused, unresolvable, unreachable: nothing was sent. `fault` says
    /// when the cause is the setup (a wrong host, an untrusted certificate),
    /// from the error's code, so callers never parse the text.
    case cannotConnect(String, fault: ConnectFault? = nil)
    /// No answer within the timeout; the server may have acted.
    case timedOut(String)
    /// The connection broke after (part of) the request was sent, or for a
    /// reason Foundation did not name (`fault` `.unclassified`).
    case connectionLost(String, fault: ConnectFault? = nil)
    case cancelled

    public var detail: String {
        switch self {
        case .cannotConnect(let s, _), .timedOut(let s), .connectionLost(let s, _): return s
        case .cancelled: return "cancelled"
        }
    }
}

/// A connection failure that waiting will not mend: the configuration is wrong.
public enum ConnectFault: String, Sendable, Equatable {
    /// The host name does not resolve.
    case hostNotFound
    /// The server's TLS certificate does not verify.
    case certificateRejected
    /// URLError -1 (unknown): Foundation on Linux gives it for every libcurl
    /// failure it has no code for, a certificate that does not verify (curl
    /// 60) among them (measured on this toolchain), so the cause is not known
    /// here; a caller that can ask libcurl may find it out.
    case unclassified
}

/// A dedicated URLSession: more connections per host than the default six
/// (swift-stack.md §3), no cookies (Porkbun sets `BUNSESSION2`, A1), no cache.
public final class URLSessionTransport: HTTPTransport, @unchecked Sendable {
    private let maxConnectionsPerHost: Int
    private let lock = NSLock()
    private var made: URLSession?

    public init(maxConnectionsPerHost: Int = 16) {
        self.maxConnectionsPerHost = maxConnectionsPerHost
    }

    /// Made on the first request: a plan from the observation cache sends
    /// none, and a session starts libcurl (and OpenSSL) and a thread.
    private var session: URLSession {
        lock.withLock {
            if let made { return made }
            let config = URLSessionConfiguration.ephemeral
            config.httpMaximumConnectionsPerHost = maxConnectionsPerHost
            config.httpShouldSetCookies = false
            config.httpCookieAcceptPolicy = .never
            config.urlCache = nil
            config.requestCachePolicy = .reloadIgnoringLocalCacheData
            config.timeoutIntervalForRequest = 60
            config.timeoutIntervalForResource = 300
            let session = URLSession(configuration: config)
            made = session
            return session
        }
    }

    deinit { made?.finishTasksAndInvalidate() }

    public func send(_ request: ProviderRequest) async throws(TransportFailure) -> ProviderResponse {
        var r = URLRequest(url: request.url)
        r.httpMethod = request.method
        // FoundationNetworking on Linux mishandles sub-second timeouts (0.3 s fired
        // before the request was even sent), so whole seconds, at least one.
        r.timeoutInterval = max(1, request.timeout.rounded(.up))
        for (k, v) in request.headers { r.setValue(v, forHTTPHeaderField: k) }
        r.httpBody = request.body
        do {
            let (data, response) = try await session.data(for: r)
            guard let http = response as? HTTPURLResponse else {
                throw TransportFailure.connectionLost("not an HTTP response")
            }
            var headers: [String: String] = [:]
            for (k, v) in http.allHeaderFields {
                if let k = k as? String, let v = v as? String { headers[k.lowercased()] = v }
            }
            return ProviderResponse(status: http.statusCode, headers: headers, body: data)
        } catch let f as TransportFailure {
            throw f
        } catch let e as URLError {
            throw Self.classify(e)
        } catch is CancellationError {
            throw .cancelled
        } catch {
            throw .connectionLost("\(type(of: error))")
        }
    }

    static func classify(_ e: URLError) -> TransportFailure {
        // Only the message code, never the URL: it may carry credentials.
        let what = "URLError \(e.code.rawValue)"
        switch e.code {
        case .cannotFindHost, .dnsLookupFailed:
            return .cannotConnect(what, fault: .hostNotFound)
        case .serverCertificateUntrusted, .serverCertificateHasUnknownRoot, .serverCertificateHasBadDate, .serverCertificateNotYetValid:
            return .cannotConnect(what, fault: .certificateRejected)
        case .cannotConnectToHost, .notConnectedToInternet, .secureConnectionFailed:
            return .cannotConnect(what)
        case .timedOut: return .timedOut(what)
        case .cancelled: return .cancelled
        case .unknown: return .connectionLost(what, fault: .unclassified)
        default: return .connectionLost(what)
        }
    }
}
