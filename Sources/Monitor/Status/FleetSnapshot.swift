import Foundation
import Providers
import Sender
import Store

/// Everything the status page and `/metrics` show, read from the state file
/// at one instant: the status and capacity models of `reconcile status` and
/// `capacity`, plus replies, sends per hour and the alerter's state.
public struct FleetSnapshot: Sendable {
    public var at: Double
    public var status: FleetStatus
    /// Today's (UTC) capacity of each group under the queued campaigns' windows.
    public var capacityToday: [String: GroupCapacity]
    public var sentToday: [String: Int]
    /// Replies recorded, per group of the mailbox they answered ("" when unknown).
    public var replies: [String: Int]
    /// Sends (admitted attempts) per UTC clock hour, the current hour last and the 23 before it.
    public var sendsPerHour: [Int]
    public var openAlerts: [OpenCondition]
    public var alertQueueDepth: Int

    /// Messages still to go out or in flight.
    public var outboxDepth: Int {
        [MessageState.planned, .reserved, .attempting, .deferred].reduce(0) { $0 + (status.outbox[$1] ?? 0) }
    }
}

/// Where snapshots come from: the fleet and the two stores of one state file.
public struct FleetSnapshotSource: Sendable {
    public let fleet: SendingFleet
    public let sending: any SendingStore
    public let alerts: AlertStore
    let clock: any FleetClock

    public init(fleet: SendingFleet, sending: any SendingStore, alerts: AlertStore, clock: any FleetClock = SystemClock()) {
        self.fleet = fleet; self.sending = sending; self.alerts = alerts; self.clock = clock
    }

    public func snapshot() throws -> FleetSnapshot {
        let now = clock.now()
        let groupOf = Dictionary(fleet.mailboxes.map { ($0.address, $0.group) }, uniquingKeysWith: { a, _ in a })
        var sentToday: [String: Int] = [:]
        for (mailbox, s) in try sending.mailboxStats(since: UTCDay.startOfDay(now)) {
            sentToday[groupOf[mailbox] ?? "", default: 0] += s.sends
        }
        var replies: [String: Int] = [:]
        for e in try sending.events(kind: .reply) { replies[e.mailbox.flatMap { groupOf[$0] } ?? "", default: 0] += 1 }
        var perHour = Array(repeating: 0, count: 24)
        let hourNow = Int((now / 3600).rounded(.down))
        for t in try sending.limiterSnapshot(now: now).mailboxSends.values.joined() {
            let ago = hourNow - Int((t / 3600).rounded(.down))
            if ago >= 0 && ago < 24 { perHour[23 - ago] += 1 }
        }
        return FleetSnapshot(at: now, status: try FleetStatus.compute(fleet: fleet, store: sending, now: now),
                             capacityToday: try CapacityReport.today(fleet: fleet, store: sending, now: now),
                             sentToday: sentToday, replies: replies, sendsPerHour: perHour,
                             openAlerts: try alerts.openConditions(), alertQueueDepth: try alerts.depth())
    }
}
