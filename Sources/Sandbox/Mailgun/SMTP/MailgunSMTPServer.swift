import DNSRecords
import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import NIOSSL

/// The Mailgun emulator's SMTP submission port (issue #11): 127.0.0.1, an
/// ephemeral port, STARTTLS with a certificate made at start, AUTH PLAIN or
/// LOGIN with the SMTP credentials created through the emulator's
/// credentials API. A message it accepts has exactly the effects of
/// `messages.mime` with the same bytes and recipients: stored, an
/// `accepted` event, and the webhooks its recipients earn.
public final class MailgunSMTPServer: Sendable {
    public let port: Int
    /// The PEM of the server's self-signed certificate: the CA a client trusts (`smtp_ca_file`).
    public let caFile: String
    /// `smtp://127.0.0.1:PORT`: plain, then STARTTLS, as Mailgun's port 587.
    public var url: String { "smtp://127.0.0.1:\(port)" }

    private let channel: any Channel
    private let connections: Locked<[ObjectIdentifier: any Channel]>
    /// Set when the certificate went to a directory made for it, removed on stop.
    private let ownedDirectory: String?

    private init(port: Int, caFile: String, channel: any Channel, connections: Locked<[ObjectIdentifier: any Channel]>, ownedDirectory: String?) {
        self.port = port; self.caFile = caFile; self.channel = channel; self.connections = connections
        self.ownedDirectory = ownedDirectory
    }

    /// `directory`: where the certificate is written (`<name>-smtp-ca-<port>.pem`);
    /// nil: a private temporary directory, removed on stop.
    static func start(name: String, state: MailgunEmulatorState, webhooks: MailgunWebhookDispatcher,
                      directory: String?) async throws -> MailgunSMTPServer {
        let identity = try SandboxTLSIdentity(commonName: "reconcile sandbox \(name) SMTP")
        let tls = try identity.serverContext()
        let verify: @Sendable (String, String) -> Bool = { login, password in
            let login = login.lowercased()
            guard let domain = login.split(separator: "@").last.map(String.init), login.contains("@") else { return false }
            // The persisted snapshot is readable from any thread: no hop to the actor on the event loop.
            return state.snapshot().domains[DomainName.normalize(domain)]?.credentials[login] == password
        }
        let deliver: @Sendable (SMTPSubmissionSession.Envelope) async -> String = { envelope in
            await Self.deliver(envelope, state: state, webhooks: webhooks)
        }
        let connections = Locked<[ObjectIdentifier: any Channel]>([:])
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let id = ObjectIdentifier(channel)
                connections.withValue { $0[id] = channel }
                channel.closeFuture.whenComplete { _ in connections.withValue { $0[id] = nil } }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        SMTPSubmissionHandler(session: SMTPSubmissionSession(verify: verify), tls: tls, deliver: deliver))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw EmulatorServerError.couldNotBind(name: "\(name)-smtp")
        }
        var owned: String?
        let dir: String
        if let directory { dir = directory } else {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-smtp-\(UUID().uuidString.prefix(8))").path
            owned = dir
        }
        let caFile = URL(fileURLWithPath: dir).appendingPathComponent("\(name)-smtp-ca-\(port).pem").standardizedFileURL.path
        do { try identity.writeCertificate(to: caFile) } catch {
            try? await channel.close()
            throw error
        }
        return MailgunSMTPServer(port: port, caFile: caFile, channel: channel, connections: connections, ownedDirectory: owned)
    }

    /// Stops listening, drops open connections and removes the certificate file.
    public func stop() async {
        try? await channel.close()
        for c in connections.value.values { try? await c.close() }
        try? FileManager.default.removeItem(atPath: ownedDirectory ?? caFile)
    }

    /// The login's domain sends: the same path as `messages.mime` with these bytes.
    static func deliver(_ envelope: SMTPSubmissionSession.Envelope, state: MailgunEmulatorState,
                        webhooks: MailgunWebhookDispatcher) async -> String {
        let name = String(envelope.login.split(separator: "@").last ?? "")
        guard let domain = await state.domain(name) else { return "550 5.7.1 Domain not found: \(name)" }
        guard domain.domain.isActive else { return "550 5.7.1 Domain \(name) is not allowed to send: domain is not verified" }
        let mime = String(decoding: envelope.data, as: UTF8.self)
        let fields = envelope.recipients.map { ("to", $0) } + [("message", mime)]
        let response = await MailgunRoutes.acceptMIME(mime, to: envelope.recipients, fields: fields, domain: domain, name: name,
                                                      state: state, webhooks: webhooks)
        return response.status.code == 200 ? "250 Great success" : "451 4.3.0 Message not queued (\(response.status.code))"
    }
}
