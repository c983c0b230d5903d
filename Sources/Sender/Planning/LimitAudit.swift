import Foundation
import Store

/// Checks a finished run's reservations against every rule, written apart
/// from the scheduler (a bug in one should not hide in the other).
public struct LimitAudit {
    public struct Send: Sendable {
        public var at: Double
        public var group: String
        public var mailbox: String
        public var email: String
        public var campaign: String
        public var step: Int
        public var timeZone: String
        public var window: WeeklyWindow
        public init(at: Double, group: String, mailbox: String, email: String, campaign: String, step: Int, timeZone: String, window: WeeklyWindow) {
            self.at = at; self.group = group; self.mailbox = mailbox; self.email = email; self.campaign = campaign
            self.step = step; self.timeZone = timeZone; self.window = window
        }
    }

    public let fleet: SendingFleet
    /// When each address was suppressed (no send may follow).
    public var suppressedAt: [String: Double] = [:]
    /// When each mailbox was disabled (no send may follow).
    public var disabledAt: [String: Double] = [:]
    /// Mailboxes that sent before the audited run, and when they first did
    /// (the warmup clock); the others start theirs at their first send in the run.
    public var firstSends: [String: Double] = [:]

    public init(fleet: SendingFleet) { self.fleet = fleet }

    public func violations(_ sends: [Send]) -> [String] {
        var out: [String] = []
        let eps = 1e-6
        let sorted = sends.sorted { $0.at < $1.at }
        for g in fleet.groups {
            let times = sorted.filter { $0.group == g.name }.map(\.at)
            for i in times.indices.dropFirst() where times[i] - times[i - 1] < g.pause.lower - eps {
                out.append("group \(g.name): pause \(times[i] - times[i - 1]) s < \(g.pause.lower) s at \(times[i])")
            }
            var lo = 0
            for hi in times.indices {
                while times[hi] - times[lo] >= 3600 { lo += 1 }
                if hi - lo + 1 > g.hourlyCap { out.append("group \(g.name): \(hi - lo + 1) sends within an hour at \(times[hi])"); break }
            }
        }
        let byMailbox = Dictionary(grouping: sorted, by: \.mailbox)
        for (address, list) in byMailbox {
            guard let m = fleet.mailbox(address) else { out.append("unknown mailbox \(address)"); continue }
            if m.role != .active { out.append("spare mailbox \(address) sent") }
            let times = list.map(\.at)
            for i in times.indices.dropFirst() where times[i] - times[i - 1] < m.interval.lower - eps {
                out.append("mailbox \(address): interval \(times[i] - times[i - 1]) s < \(m.interval.lower) s")
            }
            var lo = 0
            for hi in times.indices {
                while times[hi] - times[lo] >= 86_400 { lo += 1 }
                let cap = Warmup.dailyCap(m, shiftDays: 0, heldStage: nil, firstSent: firstSends[address] ?? times.first, now: times[hi]).cap
                if hi - lo + 1 > cap { out.append("mailbox \(address): \(hi - lo + 1) sends within 24 h over cap \(cap) at \(times[hi])"); break }
            }
            if let off = disabledAt[address], let late = times.first(where: { $0 > off }) {
                out.append("mailbox \(address): sent at \(late) after being disabled at \(off)")
            }
        }
        var firstSender: [String: String] = [:]
        for s in sorted where s.step == 0 { firstSender["\(s.campaign)|\(s.email)"] = s.mailbox }
        for s in sorted {
            if let t = suppressedAt[s.email], s.at >= t { out.append("suppressed \(s.email) mailed at \(s.at)") }
            if s.step > 0, firstSender["\(s.campaign)|\(s.email)"] != s.mailbox {
                out.append("follow-up to \(s.email) from \(s.mailbox), first step from \(firstSender["\(s.campaign)|\(s.email)"] ?? "nobody")")
            }
            if !Self.inWindow(s.window, zone: s.timeZone, at: s.at) {
                out.append("\(s.email) mailed outside the window in \(s.timeZone) at \(s.at)")
            }
        }
        return out
    }

    /// Local wall-clock check with Calendar components (not the scheduler's boundary arithmetic).
    static func inWindow(_ w: WeeklyWindow, zone: String, at t: Double) -> Bool {
        if w.isAlways { return true }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: zone)!
        let c = cal.dateComponents([.weekday, .hour, .minute], from: Date(timeIntervalSince1970: t))
        let minute = c.hour! * 60 + c.minute!
        return w.weekdays.contains(c.weekday!) && minute >= w.startMinute && minute < w.endMinute
    }
}
