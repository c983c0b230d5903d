import Foundation
import Inventory
import Monitor
import Resolver
import Sender
import Store

/// What `reconcile serve` is asked to run (the CLI's options, as plain values).
public struct ServeRequest: Sendable {
    public var inventoryDirectory: String
    /// `--state` as given; see `stateLocation`.
    public var state: String?
    public var listen: ListenAddress
    /// Also run the sender (`send`'s daemon) in the same process.
    public var send: Bool
    /// Every provider emulated in-process; the sandbox's Mailgun delivers its webhooks here.
    public var sandbox: Bool
    /// How the sender's mail leaves (the sandbox always uses Mailgun's HTTP API: it has no SMTP).
    public var transport: TransportKind
    public var webhooks: WebhookIntake.Settings
    /// Largest Routes `forward()` POST (`/inbound/mailgun`): a whole reply with its attachments.
    public var inboundMaxBytes: Int
    /// Webhook rejects spiking, sender stalled: thresholds and how often they are judged.
    public var conditions: ConditionWatch.Settings
    /// Seconds between merges of Mailgun's suppression lists (the first at start).
    public var suppressionSyncInterval: Double
    /// The DNS watch asks this server for every domain (`--nameserver`); nil: each delegation (the sandbox's Knot with `sandbox`).
    public var dnsNameserver: DNSServer? = nil
    /// Seconds between DNS checks instead of `monitoring.dns_check_interval` (`--dns-check-interval`).
    public var dnsCheckInterval: Double? = nil
    /// Where blocklist lookups go (nil: the resolvers of /etc/resolv.conf).
    public var blocklistNameserver: DNSServer?
    /// Seconds between reads of Mailgun's domain list (its own verdict on each domain).
    public var mailgunStateInterval: Double = 900

    public init(inventoryDirectory: String = "inventory", state: String? = nil,
                listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8080), send: Bool = false, sandbox: Bool = false,
                transport: TransportKind = .smtp, webhooks: WebhookIntake.Settings = .init(),
                inboundMaxBytes: Int = InboundIntake.defaultMaxBodyBytes, conditions: ConditionWatch.Settings = .init(),
                suppressionSyncInterval: Double = 3600) {
        self.inventoryDirectory = inventoryDirectory; self.state = state; self.listen = listen; self.send = send
        self.sandbox = sandbox; self.transport = transport; self.webhooks = webhooks; self.inboundMaxBytes = inboundMaxBytes
        self.conditions = conditions
        self.suppressionSyncInterval = suppressionSyncInterval
    }

    /// `--state`, `RECONCILE_STATE`, the inventory's `state:`, else the
    /// sandbox's own state file with `sandbox`, else `.reconcile/state.sqlite`.
    public func stateLocation(inventory: Inventory,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> StateLocation {
        try StateChoice.resolve(option: state, inventory: inventory,
                                defaultPath: sandbox ? StateChoice.sandboxPath : StateChoice.defaultPath, environment: environment)
    }
}
