import App
import ArgumentParser
import Foundation
import Monitor
import Resolver
import Sender

/// `reconcile serve`: the long-running process that hears back — Mailgun
/// webhooks, replies its routes forward, one-click unsubscribes — and, with
/// `--send`, sends too.
/// The first stdout line is `{"listening":"http://HOST:PORT"}` once the
/// server accepts connections (with `--listen …:0`, the port the kernel chose);
/// under `--sandbox` the second is `{"sandbox":{…}}`, the emulators' JSON line.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Listen for Mailgun webhooks and unsubscribes (and send, with --send) until SIGTERM/SIGINT.",
        discussion: "Example:\n  reconcile serve --listen 127.0.0.1:8080 --send")

    @Option(help: "The inventory directory.") var inventory: String = "inventory"
    @Option(help: StateOptionHelp.text(sandbox: true)) var state: String?
    @Option(help: "HOST:PORT to listen on (port 0: any free port). Only /webhooks/*, /inbound/* and /u/* are meant to be public.")
    var listen: String = "127.0.0.1:8080"
    @Flag(help: "Also run the sender in this process (as `reconcile send` does).") var send = false
    @Flag(help: "Run against the built-in emulators; the sandbox's Mailgun delivers its webhooks to this server.") var sandbox = false
    @Option(help: "How --send's mail leaves: smtp or mailgun-http (under --sandbox, the Mailgun emulator's SMTP port or API).")
    var transport: TransportKind = .smtp
    @Option(help: "Oldest webhook signature accepted (Mailgun retries for about 8 h).")
    var webhookWindow: DurationArgument = DurationArgument(seconds: 9 * 3600)
    @Option(help: "Largest webhook body accepted, in bytes.") var webhookMaxBytes: Int = 64 * 1024
    @Option(help: "Largest reply Mailgun's routes forward to /inbound/mailgun, in bytes (attachments included).")
    var inboundMaxBytes: Int = InboundIntake.defaultMaxBodyBytes
    @Option(help: "Webhook and inbound refusals within --reject-spike-window that open the \"webhook rejects spiking\" alert.")
    var rejectSpikeCount: Int = 50
    @Option(help: "The window --reject-spike-count is counted over.")
    var rejectSpikeWindow: DurationArgument = DurationArgument(seconds: 300)
    @Option(help: "With --send: how long the sender may go without a turn of its loop, or without getting mail through while mail is due, before the \"sender stalled\" alert opens.")
    var senderStallAfter: DurationArgument = DurationArgument(seconds: 900)
    @Option(help: "How often Mailgun's bounce, complaint and unsubscribe lists are merged into ours (also at start).")
    var suppressionSync: DurationArgument = DurationArgument(seconds: 3600)
    @Option(help: "Send every blocklist lookup to this resolver (HOST:PORT) instead of those of /etc/resolv.conf.")
    var blocklistNameserver: String?
    @Option(help: "How often Mailgun's domain list is read: a domain it reports disabled or unverified is paused.")
    var mailgunStateInterval: DurationArgument = DurationArgument(seconds: 900)

    @Option(help: "Ask this DNS server (HOST:PORT) for every domain instead of its authoritative nameservers (as `check --nameserver`).")
    var nameserver: String?
    @Option(help: "How often the DNS check runs, instead of monitoring.dns_check_interval (the first at start).")
    var dnsCheckInterval: DurationArgument?

    func validate() throws {
        guard ListenAddress(listen) != nil else { throw ValidationError("--listen wants HOST:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080") }
        guard webhookMaxBytes >= 1024 else { throw ValidationError("--webhook-max-bytes must be at least 1024") }
        guard inboundMaxBytes >= 1024 else { throw ValidationError("--inbound-max-bytes must be at least 1024") }
        guard rejectSpikeCount >= 1, rejectSpikeWindow.seconds >= 1 else { throw ValidationError("--reject-spike-count and --reject-spike-window must be positive") }
        guard senderStallAfter.seconds >= 10 else { throw ValidationError("--sender-stall-after must be at least 10s") }
        _ = try nameserverArgument(nameserver)
        if let dnsCheckInterval, dnsCheckInterval.seconds < 1 { throw ValidationError("--dns-check-interval must be at least 1s") }
        guard suppressionSync.seconds >= 60 else { throw ValidationError("--suppression-sync must be at least 1m") }
        if let b = blocklistNameserver, DNSServer(parsing: b) == nil { throw ValidationError("--blocklist-nameserver \(b): expected IP:PORT, e.g. 127.0.0.1:53") }
        guard mailgunStateInterval.seconds >= 60 else { throw ValidationError("--mailgun-state-interval must be at least 1m") }
    }

    func run() async throws {
        try await funnel {
            var request = ServeRequest(inventoryDirectory: inventory, state: state, listen: ListenAddress(listen)!, send: send,
                                       sandbox: sandbox, transport: transport,
                                       webhooks: .init(maxBodyBytes: webhookMaxBytes, freshness: webhookWindow.seconds),
                                       inboundMaxBytes: inboundMaxBytes,
                                       conditions: .init(rejectThreshold: rejectSpikeCount, rejectWindow: rejectSpikeWindow.seconds,
                                                         stallAfter: senderStallAfter.seconds),
                                       suppressionSyncInterval: suppressionSync.seconds)
            request.dnsNameserver = try nameserverArgument(nameserver)
            request.dnsCheckInterval = dnsCheckInterval?.seconds
            request.blocklistNameserver = blocklistNameserver.flatMap(DNSServer.init(parsing:))
            request.mailgunStateInterval = mailgunStateInterval.seconds
            let session = try await ServeSession.open(request)
            try await session.run(log: { stderr($0 + "\n") }) { url in
                // Straight to fd 1, so a supervisor or test reads it at once.
                FileHandle.standardOutput.write(Data("{\"listening\":\"\(url)\"}\n".utf8))
                // Then, under --sandbox, the emulators as `reconcile sandbox` names them (Telegram's `/sent`, Mailgun's SMTP port).
                if let world = session.sandbox?.world {
                    FileHandle.standardOutput.write(Data("{\"sandbox\":\(world.descriptorJSON())}\n".utf8))
                }
                stderr("serve: listening on \(url)\(send ? ", sending" : "")\(sandbox ? " (sandbox)" : "")\n")
            }
            stderr("serve: stopped\n")
        }
    }
}
