import Foundation
import Providers
import Store

/// What one step of the engine did.
public enum StepOutcome: Sendable, Equatable {
    case sent(row: Int64, mailbox: String, result: TransportResult)
    case refused(row: Int64, reason: String)
    /// Nothing admitted: `until` is when the first group may send (maintenance may come sooner).
    case idle(until: Double, reasons: [String: BlockReason])
}

/// Counters the simulator and the daemon report.
public struct EngineStats: Sendable {
    public var decisions = 0
    public var decisionNanos: UInt64 = 0
    public var admitted = 0
    public var refused = 0
    public var byState: [MessageState: Int] = [:]
}

/// The sending loop over one store, one transport, one clock and one source
/// of randomness. Per send, in this order: decide in memory → `reserve`
/// (every limit consumed in one transaction) → build → `attempting`
/// committed → transport → `settle`. A crash between `attempting` and
/// `settle` leaves a row that the next start turns into `unknown`.
public final class SendEngine {
    public let fleet: SendingFleet
    public let store: any SendingStore
    public let transport: any MailTransport
    public let clock: any FleetClock
    /// This process, recorded on every reservation.
    public let sender: SenderIdentity
    public var scheduler: Scheduler
    let builder: MessageBuilder
    let health: HealthMonitor
    var campaigns: [String: Campaign]
    var tokens: any RandomSource
    var groupWake: [Double]
    var lastReason: [BlockReason]
    var nextMaintenance: Double
    /// How often new enqueues, suppressions and health are re-read.
    public var maintenanceInterval: Double
    /// Retry delay for a deferred (4xx) message.
    public var retryDelay: Double = 900
    /// Longest single sleep (the daemon wakes at least this often to notice a stop request).
    public var maxSleep: Double = .infinity
    public private(set) var stats = EngineStats()
    /// Called for every wait decision with (group, now, when the limit lets go, the limit):
    /// the simulator attributes idle time to it, the daemon says what it waits for.
    public var onWait: ((String, Double, Double, BlockReason) -> Void)?
    public var onSend: ((Admission, TransportResult) -> Void)?
    /// Called for every settled attempt with what a person needs to act on it.
    public var onReport: ((SendReport) -> Void)?
    /// Called when maintenance changes a mailbox's health (a disable the
    /// webhooks did not already decide: its sample grew past the minimum).
    public var onHealthChange: ((MailboxHealthRecord) -> Void)?
    /// Beats once per turn of `run` and hears every settled attempt (the stall watch).
    public var pulse: SenderPulse?

    /// Recovers interrupted attempts, evaluates health and builds the index.
    public init(fleet: SendingFleet, store: any SendingStore, transport: any MailTransport, clock: any FleetClock,
                random: any RandomSource, builder: MessageBuilder, maintenanceInterval: Double = 60) throws {
        self.fleet = fleet
        self.store = store
        self.transport = transport
        self.clock = clock
        self.builder = builder
        self.health = HealthMonitor(fleet: fleet)
        self.maintenanceInterval = maintenanceInterval
        self.tokens = random
        let now = clock.now()
        // Only the messages of senders that are gone: others may share this state.
        let me = SenderIdentity.current()
        self.sender = me
        try store.announce(me)
        _ = try store.recoverInterrupted(at: now) { me.hasAbandoned($0) }
        try health.evaluate(store: store, now: now)
        let pending = try store.pendingMessages()
        var campaigns: [String: Campaign] = [:]
        for id in Set(pending.map(\.campaign)) {
            if let r = try store.campaign(id: id) { campaigns[id] = try Campaign.from(record: r).resolved(in: fleet.group(named: r.group)) }
        }
        self.campaigns = campaigns
        self.scheduler = Scheduler(fleet: fleet, campaigns: campaigns, limiter: try store.limiterSnapshot(now: now),
                                   health: try store.mailboxHealth(), suppressed: try store.suppressedEmails(), random: random)
        scheduler.setHeldDomains(Set(try store.domainHolds().map(\.domain)))
        scheduler.add(pending)
        groupWake = Array(repeating: -.infinity, count: fleet.groups.count)
        lastReason = Array(repeating: .noDemand, count: fleet.groups.count)
        nextMaintenance = now + maintenanceInterval
    }

    /// Re-reads what other processes changed: new enqueues, suppressions, health.
    public func maintain() throws {
        let now = clock.now()
        // A shared state's liveness lock, re-taken if its connection dropped.
        try store.announce(sender)
        let fresh = try store.plannedMessages(afterRow: scheduler.maxRow)
        for id in Set(fresh.map(\.campaign)) where campaigns[id] == nil {
            if let r = try store.campaign(id: id) {
                let c = try Campaign.from(record: r).resolved(in: fleet.group(named: r.group))
                campaigns[id] = c
                scheduler.addCampaign(c)
            }
        }
        scheduler.add(fresh)
        scheduler.setSuppressed(try store.suppressedEmails())
        for h in try health.evaluate(store: store, now: now) { onHealthChange?(h) }
        for h in try store.mailboxHealth().values { scheduler.setHealth(h) }
        scheduler.setHeldDomains(Set(try store.domainHolds().map(\.domain)))
        // Anything above may have unblocked a group: decide again for all of them.
        for i in groupWake.indices { groupWake[i] = -.infinity }
        nextMaintenance = now + maintenanceInterval
    }

    /// One decision, and the send it admits if any.
    public func step() async throws -> StepOutcome {
        let now = clock.now()
        if now >= nextMaintenance { try maintain() }
        var earliest = Double.infinity
        var reasons: [String: BlockReason] = [:]
        for gi in fleet.groups.indices {
            let name = fleet.groups[gi].name
            if groupWake[gi] > now {
                earliest = min(earliest, groupWake[gi]); reasons[name] = lastReason[gi]; continue
            }
            let t0 = DispatchTime.now().uptimeNanoseconds
            let decision = scheduler.decide(group: name, at: now)
            stats.decisionNanos += DispatchTime.now().uptimeNanoseconds - t0
            stats.decisions += 1
            switch decision {
            case .wait(let until, let reason):
                let wake = max(until, now + 0.001)
                onWait?(name, now, wake, reason)
                groupWake[gi] = wake
                lastReason[gi] = reason
                earliest = min(earliest, wake)
                reasons[name] = reason
            case .admit(let a):
                return try await send(a)
            }
        }
        return .idle(until: earliest, reasons: reasons)
    }

    private func send(_ a: Admission) async throws -> StepOutcome {
        guard let mailbox = fleet.mailbox(a.mailbox), let group = fleet.group(named: a.group) else {
            scheduler.discard(a)
            return .refused(row: a.row, reason: "mailbox or group left the fleet")
        }
        let token = tokens.token(bytes: 15)
        switch try store.reserve(Reservation(messageRow: a.row, mailbox: a.mailbox, group: a.group, at: a.at,
                                             mailboxNextAt: a.mailboxNextAt, groupNextAt: a.groupNextAt,
                                             messageID: MessageBuilder.messageID(token: token, mailbox: mailbox),
                                             limits: a.limits, sender: sender.text)) {
        case .limited(let refusal):
            // Another sender on this state reserved first: wait as the store says.
            scheduler.hold(a, until: refusal.retryAt, limit: refusal.limit)
            stats.refused += 1
            return .refused(row: a.row, reason: "\(refusal.limit.rawValue) taken by another sender until \(UTCDay.formatMinute(refusal.retryAt))")
        case .refused(let reason) where reason == ReserveResult.mailboxDisabled || reason == ReserveResult.domainHeld:
            // Disabled or held behind our back (a webhook, a watcher): re-read; the message stays queued.
            try maintain()
            stats.refused += 1
            return .refused(row: a.row, reason: reason)
        case .refused(let reason):
            scheduler.discard(a)
            stats.refused += 1
            return .refused(row: a.row, reason: reason)
        case .reserved(let messageID):
            scheduler.commit(a)
            stats.admitted += 1
            let result: TransportResult
            var message: OutboxMessage?
            do {
                guard let record = try store.messageRecord(row: a.row), let campaign = campaigns[record.message.campaign] else {
                    throw SenderError.configuration("message \(a.row) lost its campaign")
                }
                message = record.message
                let built = try builder.build(record: record, campaign: campaign, mailbox: mailbox, group: group.name,
                                              messageID: messageID, date: clock.now())
                try store.markAttempting(row: a.row, at: clock.now())
                result = await transport.send(built, mailbox: mailbox, group: group)
            } catch {
                // Nothing reached the relay: `attempting` was not committed, or building failed.
                let r = TransportResult(state: .rejected, code: nil, text: "not sent: \(error)", phase: .connect)
                try? store.markAttempting(row: a.row, at: clock.now())
                try store.settle(row: a.row, outcome: AttemptOutcome(state: .rejected, code: nil, text: r.text, phase: r.phase.rawValue), at: clock.now())
                report(a, message, r)
                return .sent(row: a.row, mailbox: a.mailbox, result: r)
            }
            let at = clock.now()
            if let scope = result.configFault { return try configFault(a, scope: scope, result: result, at: at) }
            let outcome = AttemptOutcome(state: result.state, code: result.code, text: result.text, phase: result.phase.rawValue,
                                         retryAt: result.state == .deferred ? at + retryDelay : nil, suppressRecipient: result.hardBounce)
            let followUp = try store.settle(row: a.row, outcome: outcome, at: at)
            if let followUp { scheduler.add(followUp) }
            if result.hardBounce { scheduler.suppress(a.email) }
            if result.state == .deferred, var m = try store.messageRecord(row: a.row)?.message {
                m.state = .deferred
                scheduler.add(m)
            }
            stats.byState[result.state, default: 0] += 1
            onSend?(a, result)
            report(a, message, result)
            return .sent(row: a.row, mailbox: a.mailbox, result: result)
        }
    }

    private func report(_ a: Admission, _ m: OutboxMessage?, _ r: TransportResult) {
        pulse?.attempted(r, at: clock.now())
        onReport?(SendReport(at: a.at, email: a.email, campaign: m?.campaign ?? "?", step: m?.step ?? 0,
                             mailbox: a.mailbox, group: a.group, result: r))
    }

    /// Our configuration, not the recipient, failed: the message goes back
    /// to planned (its sequence goes on), the mailbox or the group's every
    /// mailbox pauses, and nothing counts as a send or a bounce. The
    /// reservation already made stays consumed (reservations are never
    /// refunded); the pause keeps it the only one.
    private func configFault(_ a: Admission, scope: ConfigFaultScope, result: TransportResult, at: Double) throws -> StepOutcome {
        try store.settle(row: a.row, outcome: AttemptOutcome(state: .planned, code: result.code, text: result.text, phase: result.phase.rawValue), at: at)
        let affected = scope == .mailbox ? [a.mailbox] : fleet.mailboxes.filter { $0.group == a.group }.map(\.address)
        for h in try HealthMonitor.pause(addresses: affected, reason: result.text, store: store, now: at) { scheduler.setHealth(h) }
        let m = try store.messageRecord(row: a.row)?.message
        if let m { scheduler.add(m) }
        onSend?(a, result)
        report(a, m, result)
        return .sent(row: a.row, mailbox: a.mailbox, result: result)
    }

    /// Why `run` returned.
    public enum RunEnd: Sendable, Equatable {
        case deadline
        /// `shouldStop` said so (a graceful shutdown).
        case stopped
        /// `exitWhenIdle` and nothing is due within a minute.
        case idle
    }

    /// Runs until `deadline`, until `shouldStop` says so, or — with
    /// `exitWhenIdle` — until only retries or follow-ups more than a minute
    /// away, or messages no enabled mailbox can take, are left. A stop request is honoured between transactions, so
    /// the one in flight always finishes and is recorded.
    @discardableResult
    public func run(until deadline: Double = .infinity, exitWhenIdle: Bool = false,
                    shouldStop: @escaping @Sendable () -> Bool = { false }) async throws -> RunEnd {
        var blockedBefore = false
        while !shouldStop() {
            let now = clock.now()
            pulse?.beat(at: now)
            if now >= deadline { return .deadline }
            switch try await step() {
            case .sent, .refused: blockedBefore = false; continue
            case .idle(let until, let reasons):
                // What is left waits only for the operator (every mailbox that
                // could send it is disabled or paused): nothing will go by waiting.
                // A group with no demand *yet* (a follow-up due in 3 s) is not blocked.
                let blocked = !reasons.isEmpty && fleet.groups.indices.allSatisfy { gi in
                    reasons[fleet.groups[gi].name] == nil || lastReason[gi] == .noMailbox
                        || (lastReason[gi] == .noDemand && groupWake[gi] == .infinity)
                }
                if exitWhenIdle, nothingDueSoon(until) || blocked {
                    // Re-read first: another process may have queued more or re-enabled a mailbox.
                    let known = scheduler.pendingCount
                    try maintain()
                    // New work makes `until` stale: decide again before judging idleness.
                    if scheduler.pendingCount > known { blockedBefore = false; continue }
                    if nothingDueSoon(until) || blocked && blockedBefore { return .idle }
                    if blocked { blockedBefore = true; continue }
                }
                blockedBefore = false
                // Maintenance may bring new work before `until`: wake for it too.
                try? await clock.sleep(until: min(until, nextMaintenance, deadline, now + maxSleep))
            }
        }
        return .stopped
    }

    private func nothingDueSoon(_ until: Double) -> Bool {
        scheduler.pendingCount == 0 || until - clock.now() > 60
    }
}
