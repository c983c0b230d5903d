import Foundation
import Providers
import ServiceLifecycle
import Store

/// The sending daemon as a swift-service-lifecycle `Service`: the engine on
/// the system clock, stopped by the group's graceful shutdown between two
/// transactions (the one in flight finishes and is recorded). `reconcile
/// send` runs it alone; `serve` runs it beside the other services.
public struct SendService: Service {
    public var fleet: SendingFleet
    public var store: any SendingStore
    public var transport: any MailTransport
    /// Return (ending the group gracefully) once nothing is due within a minute.
    public var exitWhenIdle: Bool
    /// One line per send and the stop notice (stderr in the CLI).
    public var log: @Sendable (String) -> Void
    /// Each attempt as data (the structured send log).
    public var onAttempt: (@Sendable (Admission, TransportResult) -> Void)?
    /// Shown to `serve`'s stall watch.
    public var pulse: SenderPulse?
    let builder: MessageBuilder

    /// Fails here, before anything runs, naming every secret the run needs that is missing.
    public init(fleet: SendingFleet, store: any SendingStore, transport: any MailTransport, exitWhenIdle: Bool = false,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                log: @escaping @Sendable (String) -> Void) throws {
        self.fleet = fleet
        self.store = store
        self.transport = transport
        self.exitWhenIdle = exitWhenIdle
        self.log = log
        try SendPreflight.check(fleet: fleet, transport: transport, environment: environment)
        self.builder = try MessageBuilder.make(fleet: fleet, environment: environment)
    }

    public func run() async throws {
        let engine = try SendEngine(fleet: fleet, store: store, transport: transport, clock: SystemClock(),
                                    random: SystemRandom(), builder: builder, maintenanceInterval: 5)
        // Wakes at least twice a second to notice a shutdown.
        engine.maxSleep = 0.5
        engine.pulse = pulse
        let log = self.log
        var notice = WaitNotice()
        // The structured log (when set) takes each attempt as data instead of a line.
        let onAttempt = self.onAttempt
        if let onAttempt { engine.onSend = { a, r in onAttempt(a, r) } }
        engine.onReport = { r in
            notice.sent(group: r.group, at: r.at)
            if onAttempt == nil { log(r.line) }
        }
        engine.onHealthChange = { h in
            if !h.enabled { log("mailbox \(h.address) disabled: \(h.reason ?? "")") }
        }
        engine.onWait = { group, now, until, reason in
            if let line = notice.waiting(group: group, now: now, until: until, reason: reason) { log(line) }
        }
        let end = try await engine.run(exitWhenIdle: exitWhenIdle) { Task.isShuttingDownGracefully || Task.isCancelled }
        if end == .stopped { log("send: stopped by signal after finishing the transaction in flight") }
    }
}
