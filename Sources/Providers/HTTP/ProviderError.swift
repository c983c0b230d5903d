/// Every failure a provider call can end in, naming what was attempted where.
/// Text fields pass through a `Redactor` at construction, so printing an error
/// anywhere (plans, logs, test output) can never leak a credential.
public struct ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable, Codable {
        /// Wrong key, IP not allow-listed, API access not enabled.
        case authentication
        /// The domain or record does not exist (or is not in this account).
        case notFound
        /// The provider refused the request as invalid; retrying will not help.
        case invalidRequest
        /// Throttled and out of retries.
        case rateLimited
        /// 5xx or connection trouble that persisted through every retry.
        case transient
        /// A non-idempotent write may or may not have happened (timeout, lost
        /// connection, 5xx after sending). The caller must re-read before retrying.
        case outcomeUnknown
        /// The answer could not be understood.
        case decoding
        /// The provider cannot do this (type not supported, zone not on registrar DNS).
        case unsupported
        /// Any other error the provider reported.
        case provider
    }

    public var kind: Kind
    public var provider: String
    public var operation: String
    public var domain: String?
    public var httpStatus: Int?
    /// The provider's own error code, e.g. Namecheap's `2019166`.
    public var code: String?
    /// The provider's message (redacted).
    public var message: String
    /// Set when no connection could be made for a reason of the setup
    /// (the host does not resolve, the certificate does not verify).
    public var connectFault: ConnectFault?

    public init(kind: Kind, provider: String, operation: String, domain: String? = nil,
                httpStatus: Int? = nil, code: String? = nil, message: String, redactor: Redactor) {
        self.kind = kind
        self.provider = provider
        self.operation = redactor.scrub(operation)
        self.domain = domain
        self.httpStatus = httpStatus
        self.code = code.map(redactor.scrub)
        self.message = redactor.scrub(message)
    }

    public var description: String {
        var s = "\(provider) \(operation)"
        if let domain { s += " \(domain)" }
        s += ": \(kind.rawValue)"
        if let httpStatus { s += " (HTTP \(httpStatus))" }
        if let code { s += " [\(code)]" }
        return s + ": \(message)"
    }

    /// True when the failure says nothing was changed and trying again later may work.
    public var isRetryableLater: Bool { kind == .rateLimited || kind == .transient }
}
