import Foundation
import Inventory
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Store

/// The alternative to SMTP: Mailgun's `POST /v3/{domain}/messages.mime` with
/// our own MIME bytes (so headers and Message-ID are identical either way).
/// Thin on purpose: the full Mailgun client lives in Providers (mail-platforms
/// branch); this needs only the endpoint and an API key reference. A transport
/// error after the request left us is `unknown`, like a lost SMTP final reply.
public struct MailgunHTTPTransport: MailTransport {
    /// `https://api.mailgun.net` (US) or `https://api.eu.mailgun.net` (EU), or an emulator;
    /// nil: each group's own pool (`SendingGroup.mailgun`).
    public var baseURL: String?
    /// `env:NAME` of the API key (with `baseURL`).
    public var apiKey: String?
    public var environment: [String: String]

    public init(baseURL: String? = nil, apiKey: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.baseURL = baseURL; self.apiKey = apiKey; self.environment = environment
    }

    public func send(_ message: BuiltMessage, mailbox: SendingMailbox, group: SendingGroup) async -> TransportResult {
        guard let baseURL = baseURL ?? group.mailgun?.baseURL, let apiKey = apiKey ?? group.mailgun?.apiKey else {
            return TransportResult(state: .deferred, code: nil, text: "group \(group.name) has no Mailgun API account", phase: .http)
        }
        let key: String
        do { key = try SecretRef.resolve(apiKey, environment: environment) } catch {
            return TransportResult(state: .deferred, code: nil, text: "\(error)", phase: .http)
        }
        guard let url = URL(string: "\(baseURL)/v3/\(mailbox.domain)/messages.mime") else {
            return TransportResult(state: .deferred, code: nil, text: "bad Mailgun URL", phase: .http)
        }
        let boundary = "reconcile-\(UUID().uuidString)"
        var body = Data()
        func part(_ name: String, _ value: Data, filename: String? = nil) {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\(filename.map { "; filename=\"\($0)\"" } ?? "")\r\n\r\n".utf8))
            body.append(value); body.append(Data("\r\n".utf8))
        }
        part("to", Data(message.recipient.utf8))
        part("message", Data(message.data), filename: "message.mime")
        body.append(Data("--\(boundary)--\r\n".utf8))
        var req = URLRequest(url: url)
        req.httpMethod = "POST"
        req.timeoutInterval = 600
        req.setValue("multipart/form-data; boundary=\(boundary)", forHTTPHeaderField: "Content-Type")
        req.setValue("Basic " + Data("api:\(key)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        req.httpBody = body
        do {
            let (data, response) = try await URLSession.shared.data(for: req)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            let text = String(decoding: data.prefix(300), as: UTF8.self)
            switch status {
            case 200..<300: return TransportResult(state: .accepted, code: status, text: text, phase: .http)
            case 429, 500...: return TransportResult(state: .deferred, code: status, text: text, phase: .http)
            default: return TransportResult(state: .rejected, code: status, text: text, phase: .http)
            }
        } catch let e as URLError where e.code == .cannotConnectToHost || e.code == .cannotFindHost || e.code == .dnsLookupFailed {
            return TransportResult(state: .deferred, code: nil, text: "\(e.code)", phase: .connect)
        } catch {
            return TransportResult(state: .unknown, code: nil, text: "\(error)", phase: .http)
        }
    }
}
