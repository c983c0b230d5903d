import Foundation
import Store

/// What each limit allows a group over a span, with expected values for the
/// random ranges (sending.md §4.3): the smallest one is the binding limit.
public struct GroupCapacity: Sendable {
    public var group: String
    public var activeMailboxes: Int
    /// Sends each limit would allow on its own over the span (expected value).
    public var byLimit: [BlockReason: Double]
    /// Best and worst case of the pause alone (every pause at its lower / upper bound).
    public var pauseRange: (low: Double, high: Double)
    public var binding: BlockReason { byLimit.min { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }!.key }
    public var capacity: Double { byLimit[binding] ?? 0 }
}

public enum CapacityModel {
    /// Capacity of `group` over `hours` starting at `start`, of which
    /// `openHours` lie inside the sending window (nil: the group's own
    /// `limits.window` in its zone decides). `firstSends` as
    /// `SendingStore.firstSends`: a mailbox that never sent is assumed to
    /// start its warmup clock at `start`.
    public static func group(_ g: SendingGroup, fleet: SendingFleet, health: [String: MailboxHealthRecord] = [:],
                             firstSends: [String: Double] = [:],
                             start: Double, hours: Double, openHours: Double? = nil) -> GroupCapacity {
        let mbs = fleet.mailboxes.filter { $0.group == g.name && $0.role == .active && (health[$0.address]?.enabled ?? true) }
        let openHours = min(openHours ?? g.openHours(start: start, hours: hours), hours)
        var by: [BlockReason: Double] = [:]
        by[.groupPause] = openHours * 3600 / max(g.pause.mean, 1e-9)
        by[.hourlyCap] = openHours * Double(g.hourlyCap)
        by[.mailboxInterval] = mbs.reduce(0) { $0 + openHours * 3600 / max($1.interval.mean, 1e-9) }
        // Daily caps are a rolling 24 h budget: the first day of the span gets a
        // whole budget, each later day its own (at that day's warmup stage).
        var caps = 0.0
        var remaining = hours
        var t = start
        var first = true
        repeat {
            let sum = mbs.reduce(0) { acc, m in
                let h = health[m.address]
                return acc + Warmup.dailyCap(m, shiftDays: h?.warmupShiftDays ?? 0, heldStage: h?.heldStage,
                                          firstSent: firstSends[m.address] ?? start, now: t).cap
            }
            caps += Double(sum) * (first || remaining >= 24 ? 1 : remaining / 24)
            first = false
            remaining -= 24
            t += 86_400
        } while remaining > 0
        by[.dailyCap] = caps
        if mbs.isEmpty { by = [.noMailbox: 0] } else if openHours <= 0 { by = [.window: 0] }
        let low = openHours * 3600 / max(g.pause.upper, 1e-9)
        let high = openHours * 3600 / max(g.pause.lower, 1e-9)
        return GroupCapacity(group: g.name, activeMailboxes: mbs.count, byLimit: by, pauseRange: (min(low, by[.hourlyCap] ?? low), min(high, by[.hourlyCap] ?? high)))
    }
}
