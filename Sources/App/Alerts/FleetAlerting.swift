import Foundation
import Inventory
import Monitor
import Providers
import Sandbox
import Store

/// How one-shot commands raise alerts: into the state file's queue (a
/// running `serve` delivers them), and with `--alert` straight to the sink.
public struct FleetAlerting: Sendable {
    public let store: AlertStore
    public let sink: (any AlertSink)?
    /// Why there is no sink (its secret unset…): only an error when asked to deliver,
    /// so an apply without the bot token in its environment still queues.
    public let sinkProblem: String?

    public init(store: AlertStore, sink: (any AlertSink)?, sinkProblem: String? = nil) {
        self.store = store; self.sink = sink; self.sinkProblem = sinkProblem
    }

    /// The session's state file and its Telegram: the sandbox's emulator
    /// under `--sandbox` (its own bot and chat), else `alerts.telegram`.
    public static func open(_ session: FleetSession, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> FleetAlerting {
        do {
            return FleetAlerting(store: AlertStore(session.planner.store), sink: try sink(session, environment: environment))
        } catch {
            return FleetAlerting(store: AlertStore(session.planner.store), sink: nil, sinkProblem: "\(error)")
        }
    }

    /// Without a session (`reconcile alert test`): the inventory's Telegram
    /// and the state, no provider account needed.
    public static func open(inventoryDirectory: String, state: StateLocation,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> FleetAlerting {
        let inventory = try InventoryLoader().loadAndCompile(directory: inventoryDirectory).inventory
        return FleetAlerting(store: AlertStore(try StateStore(location: state)),
                             sink: try TelegramAlertSink.make(alerts: inventory.alerts, environment: environment))
    }

    static func sink(_ session: FleetSession, environment: [String: String]) throws -> (any AlertSink)? {
        if let sandbox = session.sandbox {
            guard case let (url, .telegram(c))? = sandbox.world.login("telegram") else { return nil }
            return TelegramAlertSink(client: TelegramClient(botToken: c.botToken, endpoint: url, retry: .none, timeout: 15), chatID: c.chatID)
        }
        return try TelegramAlertSink.make(alerts: session.inventory.alerts, environment: environment)
    }

    /// Queues the change; with `deliver`, sends what is due now. Returns a
    /// line for stderr when something was not delivered.
    public func raise(_ change: AlertChange, deliver: Bool) async throws -> String? {
        try store.apply(change, at: Date().timeIntervalSince1970)
        guard deliver else { return nil }
        guard let sink else { return sinkProblem ?? "\(AlertError.notConfigured)" }
        do {
            try await Alerter(store: store, sink: sink, log: { _ in }).deliverNow()
            return nil
        } catch {
            return "\(error) (left queued for reconcile serve)"
        }
    }

    /// `reconcile alert test`: one notice, sent now; throws when it could not be.
    public func test(text: String) async throws {
        guard let sink else { throw sinkProblem.map(AlertError.configuration) ?? AlertError.notConfigured }
        try store.notice(key: "alert-test", text: text, at: Date().timeIntervalSince1970)
        try await Alerter(store: store, sink: sink, log: { _ in }).deliverNow()
    }
}
