import Foundation
import Inventory
import Sender

/// Sends per month each group is planned for: the capacity planner's
/// (`reconcile capacity`) day-by-day figure with every mailbox warm, over
/// four whole weeks (so each weekday of the sending window counts equally),
/// scaled to an average month. Warm, because the Mailgun plan has to hold
/// the fleet once warmup is over; a month inside warmup sends less.
public enum PlannedVolume {
    public static let daysPerMonth = 365.25 / 12

    public static func monthly(_ inventory: Inventory, from now: Date = Date()) -> [String: Int] {
        var fleet = SendingFleet(inventory: inventory)
        for i in fleet.mailboxes.indices {
            // The last stage is where a warm mailbox stays; daily_max still caps it.
            if let last = fleet.mailboxes[i].warmup.last { fleet.mailboxes[i].dailyMax = min(fleet.mailboxes[i].dailyMax, last.daily) }
            fleet.mailboxes[i].warmup = []
            fleet.mailboxes[i].warmupStarted = nil
        }
        let start = UTCDay.startOfDay(now.timeIntervalSince1970) + 86_400
        var out: [String: Int] = [:]
        for g in fleet.groups {
            var sum = 0.0
            for day in 0..<28 {
                sum += CapacityModel.group(g, fleet: fleet, start: start + Double(day) * 86_400, hours: 24).capacity
            }
            out[g.name] = Int((sum * daysPerMonth / 28).rounded())
        }
        return out
    }
}
