import Foundation

/// The wire, as a seam. Production and tests both use `CurlHTTPTransport`
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
    /// The connection broke after (part of) the request was sent.
    case connectionLost(String)
    case cancelled

    public var detail: String {
        switch self {
        case .cannotConnect(let s, _), .timedOut(let s), .connectionLost(let s): return s
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
}

extension ConnectFault {
    /// The setup fault a libcurl code names, for HTTP and SMTP alike; nil
    /// when the code says nothing about the configuration.
    /// 6 (5 for a proxy): the host does not resolve; 60, 83, 90, 91: the
    /// server's certificate does not verify; 58, 77: our client certificate
    /// or CA bundle is unusable.
    public init?(curlCode: Int) {
        switch curlCode {
        case 5, 6: self = .hostNotFound
        case 58, 60, 77, 83, 90, 91: self = .certificateRejected
        default: return nil
        }
    }
}
