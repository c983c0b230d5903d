import Foundation

/// One request as the provider clients describe it, independent of the transport.
public struct ProviderRequest: Sendable {
    public var method: String
    public var url: URL
    public var headers: [String: String]
    public var body: Data?
    /// Seconds before the attempt is abandoned.
    public var timeout: Double
    /// Whether repeating the request can never cause a second effect. Reads and
    /// replace-all writes are idempotent; Porkbun's `dns/create` is not
    /// (registrars.md A2), so a timeout after sending must not be retried blindly.
    public var idempotent: Bool

    public init(method: String = "POST", url: URL, headers: [String: String] = [:], body: Data? = nil,
                timeout: Double = 30, idempotent: Bool) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.idempotent = idempotent
    }
}

public struct ProviderResponse: Sendable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Whether the body starts like JSON; Porkbun's throttling page is HTML (registrars.md A5).
    public var looksLikeJSON: Bool {
        guard let first = body.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else { return false }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }
}
