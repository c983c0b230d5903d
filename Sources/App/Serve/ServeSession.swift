import Foundation
import Inventory
import Logging
import Monitor
import Providers
import Sandbox
import Sender
import Store

/// `reconcile serve`: one process, one `ServiceGroup` — the HTTP server
/// (webhooks, forwarded replies, unsubscribes), the hourly merge of Mailgun's suppression
/// lists and, with `send`, the sender. Built here so a test can run it
/// without a subprocess; `run` returns after a graceful shutdown.
public struct ServeSession: Sendable {
    public let request: ServeRequest
    public let inventory: Inventory
    public let environment: [String: String]
    public let store: any SendingStore
    /// Reply cursors and routed replies: the sending store's own tables.
    public let replies: any ReplyStore
    /// The state `store` and the other concerns' stores live in.
    public let state: StateStore
    /// The alert queue in the same state file.
    public let alerts: AlertStore
    public let fleet: SendingFleet
    public let sandbox: SandboxSession?
    /// The process's own counters behind `/metrics` (webhook outcomes).
    public let metrics = MonitorMetrics()
    /// Mailgun clients by account name (the emulators' with `sandbox`).
    let mailgun: [String: MailgunClient]

    /// Loads the inventory, starts the sandbox if asked, opens the store.
    /// Fails before anything listens when a secret `serve` needs is missing.
    public static func open(_ request: ServeRequest, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> ServeSession {
        var inventory = try InventoryLoader().load(directory: request.inventoryDirectory).inventory
        let location = try request.stateLocation(inventory: inventory, environment: environment)
        var env = environment
        var endpoints: [String: URL] = [:]
        var sandbox: SandboxSession?
        if request.sandbox {
            let s = try await SandboxSession.start(inventory: inventory, publishDNS: true)
            sandbox = s
            let bound = s.bind(inventory)
            (inventory, env, endpoints) = (bound.inventory, bound.environment, bound.endpoints)
            // The sender's Mailgun API calls go to the emulators too.
            for (name, url) in endpoints { inventory.accounts[name]?.endpoint = url.absoluteString }
        }
        do {
            let state = try StateStore(location: location)
            let store = state.sendingStore()
            let replies = state.replies
            var mailgun: [String: MailgunClient] = [:]
            for account in inventory.sortedAccounts {
                guard case .mailgun(let m) = account.settings, let key = m.apiKey.resolve(in: env), !key.isEmpty else { continue }
                mailgun[account.name] = MailgunClient(region: m.region, apiKey: key,
                                                      endpoint: endpoints[account.name] ?? account.endpoint.flatMap { URL(string: $0) })
            }
            return ServeSession(request: request, inventory: inventory, environment: env, store: store, replies: replies, state: state, alerts: AlertStore(state),
                                fleet: SendingFleet(inventory: inventory, directory: request.inventoryDirectory), sandbox: sandbox,
                                mailgun: mailgun)
        } catch {
            await sandbox?.stop()
            throw error
        }
    }

    /// Runs every service until SIGTERM/SIGINT (or, with `send`, an error).
    /// `onListening` gets the bound URL once the server accepts connections.
    /// A sandbox is stopped (its world saved) however it ends.
    public func run(log: @escaping @Sendable (String) -> Void, onListening: @escaping @Sendable (String) -> Void) async throws {
        do { try await runServices(log: log, onListening: onListening) } catch {
            await sandbox?.stop()
            throw error
        }
        await sandbox?.stop()
    }

    private func runServices(log: @escaping @Sendable (String) -> Void, onListening: @escaping @Sendable (String) -> Void) async throws {
        let keys = WebhookKeys(inventory: inventory, environment: environment)
        if !keys.unverifiable.isEmpty {
            log("serve: no webhook_signing_key for \(keys.unverifiable.joined(separator: ", ")): their webhooks will be refused")
        }
        let link: UnsubscribeLink
        do { link = try UnsubscribeLink(fleet: fleet, environment: environment) } catch {
            throw AppError("serve checks unsubscribe links with monitoring.unsubscribe_secret: \(error)")
        }
        // One tally for webhooks and forwarded replies: `/metrics` and the reject-spike condition read it.
        let counters = WebhookCounters(metrics: metrics)
        let intake = WebhookIntake(keys: keys, store: store, fleet: fleet, settings: request.webhooks, counters: counters, log: log)
        var inboundSettings = request.webhooks
        inboundSettings.maxBodyBytes = request.inboundMaxBytes
        let inbound = InboundIntake(keys: keys.only(WebhookKeys.routedDomains(of: inventory)), store: replies, settings: inboundSettings, counters: counters, log: log)
        // `/`, `/metrics`, `/healthz`: loopback only, or behind `monitoring.status_auth`.
        let access = try StatusAccess.resolve(listenHost: request.listen.host, auth: inventory.monitoring.statusAuth, environment: environment)
        let snapshots = FleetSnapshotSource(fleet: fleet, sending: store, alerts: alerts)
        let routes: [any MonitorRoutes] = [WebhookRoutes(intake: intake), InboundRoutes(intake: inbound),
                                           UnsubscribeRoutes(link: link, store: store, log: log),
                                           try StatusRoutes(source: snapshots, access: access),
                                           MetricsRoutes(source: snapshots, metrics: metrics, access: access)]
        let redirects = sandbox?.world.services.compactMap(\.redirectWebhooks) ?? []
        var logger = Logger(label: "reconcile.serve")
        logger.logLevel = .warning
        var daemon = Daemon()
        daemon.add(MonitorHTTPService(host: request.listen.host, port: request.listen.port, routes: routes, logger: logger) { port in
            let host = request.listen.host.contains(":") ? "[\(request.listen.host)]" : request.listen.host
            let url = "http://\(host):\(port)"
            // The sandbox's Mailgun posts the webhooks `apply` registered at the public URL here instead.
            for redirect in redirects { redirect(url) }
            onListening(url)
        }, name: "http")
        daemon.add(SuppressionSync(sources: suppressionSources(), store: store, interval: request.suppressionSyncInterval, log: log),
                   name: "suppression-sync")
        if let sink = alertSink(log: log) {
            daemon.add(Alerter(store: alerts, sink: sink, log: log), name: "alerter")
        }
        if let replies = replyService(log: log) { daemon.add(replies, name: "replies") }
        // SMTP/IMAP logins every `monitoring.probe_interval`; not under `--sandbox`, whose Zoho has no IMAP or SMTP side.
        if sandbox == nil, let probes = ProbeService.make(inventory: inventory, directory: request.inventoryDirectory, environment: environment,
                                                          store: alerts, metrics: metrics, log: log) {
            daemon.add(probes, name: "probes")
        }
        if let dns = dnsWatch(log: log) { daemon.add(dns, name: "dns-watch") }
        let pulse = request.send ? SenderPulse(start: Date().timeIntervalSince1970) : nil
        daemon.add(ConditionWatch(store: alerts, counters: counters, pulse: pulse, settings: request.conditions, log: log), name: "conditions")
        for w in holdWatchers(log: log) { daemon.add(w.service, name: w.name) }
        if request.send {
            // Under the sandbox SMTP goes to the Mailgun emulator's submission port (`SandboxSession.bind`).
            let transport: any MailTransport = request.transport == .mailgunHTTP
                ? MailgunHTTPTransport(environment: environment) : CurlSMTPTransport(environment: environment)
            var sender = try SendService(fleet: fleet, store: store, transport: transport, environment: environment, log: log)
            sender.pulse = pulse
            daemon.add(sender, name: "sender")
        }
        try await daemon.run()
    }

    /// Telegram: the sandbox's emulator under `--sandbox`, else `alerts.telegram`.
    /// Without one, alerts stay queued (and `status`/the page show them).
    func alertSink(log: @Sendable (String) -> Void) -> (any AlertSink)? {
        if let sandbox {
            guard case let (url, .telegram(c))? = sandbox.world.login("telegram") else { return nil }
            return TelegramAlertSink(client: TelegramClient(botToken: c.botToken, endpoint: url, retry: .none, timeout: 15), chatID: c.chatID)
        }
        // Compliance first: a missing bot token must not stop the webhooks and
        // unsubscribes, so it is said loudly and the alerts wait in the queue.
        do {
            guard let sink = try TelegramAlertSink.make(alerts: inventory.alerts, environment: environment) else {
                log("serve: no alerts.telegram: alerts are queued in the state file and shown on the status page, not sent")
                return nil
            }
            return sink
        } catch {
            log("serve: alerts are NOT sent: \(error); they stay queued (status page, /metrics alert_queue_depth)")
            return nil
        }
    }

    /// The INBOX of every Zoho mailbox, each `monitoring.reply_poll_interval`.
    /// Not under `--sandbox` (its Zoho has no IMAP side); a missing master
    /// secret is logged and replies are not read, the rest of `serve` runs.
    func replyService(log: @escaping @Sendable (String) -> Void) -> ReplyService? {
        guard sandbox == nil else { return nil }
        do {
            let accounts = try ReplyAccounts.make(inventory: inventory, directory: request.inventoryDirectory, environment: environment)
            guard !accounts.isEmpty else { return nil }
            return ReplyService(poller: ReplyPoller(client: IMAPClient(), store: replies), accounts: accounts,
                                interval: Double(inventory.monitoring.replyPollInterval.seconds), log: log)
        } catch {
            log("serve: \(error); replies are not read")
            return nil
        }
    }

    /// Each Mailgun account with the domains of the groups it sends for.
    func suppressionSources() -> [SuppressionSync.Source] {
        mailgun.keys.sorted().map { name in
            SuppressionSync.Source(account: name, client: mailgun[name]!,
                                   domains: inventory.groups.filter { $0.pool == name }.flatMap { $0.domains.map(\.name) })
        }
    }
}
