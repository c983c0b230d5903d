import Foundation
import Providers
import Store

/// The in-memory admission index: rebuilt from the store at start, then kept
/// in step with every reservation, so a decision is a scan of one group's
/// mailboxes with no I/O (sending.md §4.2).
///
/// A send is admitted only if, at the same instant: the group's pause has
/// passed and its sliding hour has room; the mailbox is enabled, active,
/// past its own interval and under today's cap (min(warmup stage, daily_max),
/// counted over the last 24 h); the recipient's window is open in their zone;
/// the recipient is not suppressed. Among eligible mailboxes the one with the
/// lowest sent/cap wins, ties to the least recently used; a follow-up only
/// ever goes from the mailbox that sent the first step.
public struct Scheduler {
    struct MailboxSlot {
        var config: SendingMailbox
        var group: Int
        var enabled: Bool
        /// Its domain is held (`DomainHold`): sends nothing until released.
        var held = false
        var shiftDays: Int
        var heldStage: Int?
        /// The first send ever (the warmup clock); nil until the mailbox sends.
        var firstSent: Double?
        var log: TimeLog
        var nextEligible: Double
        var lastSent: Double
        var cap = 0
        var stage: Int?
        var capValidUntil = -Double.infinity
        var sticky = PendingQueue()
    }
    struct GroupSlot {
        var config: SendingGroup
        var log: TimeLog
        var nextEligible: Double
        /// What `nextEligible` waits for: the pause, or another sender's hourly cap (`hold`).
        var waitReason = BlockReason.groupPause
        var mailboxes: [Int] = []
        var bucketWindows: [Int] = []
        var buckets: [PendingQueue] = []
    }

    var mailboxes: [MailboxSlot] = []
    // Hot fields of each mailbox in flat arrays, so the per-decision scan walks contiguous memory.
    var hotOn: [Bool] = []          // enabled, not held and active
    var hotNext: [Double] = []      // interval passes at
    var hotCap: [Int] = []
    var hotCapUntil: [Double] = []
    var hotLast: [Double] = []
    var groups: [GroupSlot] = []
    var mailboxIndex: [String: Int] = [:]
    var groupIndex: [String: Int] = [:]
    var windows = WindowBook()
    var campaigns: [String: Campaign]
    public private(set) var suppressed: Set<String>
    public var random: any RandomSource
    /// Messages whose sticky mailbox is not in the fleet (reported, never rerouted).
    public private(set) var orphaned = 0
    public private(set) var maxRow: Int64 = 0

    public init(fleet: SendingFleet, campaigns: [String: Campaign], limiter: LimiterSnapshot,
                health: [String: MailboxHealthRecord], suppressed: Set<String>, random: any RandomSource) {
        self.campaigns = campaigns
        self.suppressed = suppressed
        self.random = random
        for g in fleet.groups {
            groupIndex[g.name] = groups.count
            groups.append(GroupSlot(config: g, log: TimeLog(limiter.groupSends[g.name] ?? []),
                                    nextEligible: limiter.groupNext[g.name] ?? -.infinity))
        }
        for m in fleet.mailboxes {
            guard let gi = groupIndex[m.group] else { continue }
            let h = health[m.address]
            let sends = limiter.mailboxSends[m.address] ?? []
            mailboxIndex[m.address] = mailboxes.count
            groups[gi].mailboxes.append(mailboxes.count)
            mailboxes.append(MailboxSlot(config: m, group: gi, enabled: h?.enabled ?? true, shiftDays: h?.warmupShiftDays ?? 0,
                                         heldStage: h?.heldStage, firstSent: limiter.firstSends[m.address], log: TimeLog(sends),
                                         nextEligible: limiter.mailboxNext[m.address] ?? -.infinity, lastSent: sends.last ?? -.infinity))
            hotOn.append((h?.enabled ?? true) && m.role == .active)
            hotNext.append(limiter.mailboxNext[m.address] ?? -.infinity)
            hotCap.append(0)
            hotCapUntil.append(-.infinity)
            hotLast.append(sends.last ?? -.infinity)
        }
    }

    // MARK: - demand

    /// Adds planned (or deferred) messages; those already admitted elsewhere are refused later by the store.
    public mutating func add(_ messages: [OutboxMessage]) {
        for m in messages { add(m) }
    }

    public mutating func add(_ m: OutboxMessage) {
        maxRow = max(maxRow, m.row)
        guard let gi = groupIndex[m.group], let c = campaigns[m.campaign] else { orphaned += 1; return }
        let item = PendingItem(row: m.row, email: m.email, notBefore: m.notBefore,
                               window: windows.id(c.window, zone: c.windowZone(recipientZone: m.timeZone)))
        if let mb = m.mailbox {
            guard let mi = mailboxIndex[mb] else { orphaned += 1; return }
            mailboxes[mi].sticky.insert(item)
        } else {
            if let b = groups[gi].bucketWindows.firstIndex(of: item.window) {
                groups[gi].buckets[b].insert(item)
            } else {
                groups[gi].bucketWindows.append(item.window)
                var q = PendingQueue(); q.insert(item); groups[gi].buckets.append(q)
            }
        }
    }

    public mutating func addCampaign(_ c: Campaign) { campaigns[c.id] = c }

    public mutating func suppress(_ email: String) { suppressed.insert(EmailAddress.normalize(email)) }
    public mutating func setSuppressed(_ set: Set<String>) { suppressed = set }

    public mutating func setHealth(_ h: MailboxHealthRecord) {
        guard let mi = mailboxIndex[h.address] else { return }
        mailboxes[mi].enabled = h.enabled
        refreshOn(mi)
        hotCapUntil[mi] = -.infinity
        mailboxes[mi].shiftDays = h.warmupShiftDays
        mailboxes[mi].heldStage = h.heldStage
        mailboxes[mi].capValidUntil = -.infinity
    }

    /// The domains whose mailboxes may not send now (every source's holds).
    public mutating func setHeldDomains(_ domains: Set<String>) {
        for mi in mailboxes.indices {
            let held = domains.contains(DomainHold.domain(of: mailboxes[mi].config.address))
            guard held != mailboxes[mi].held else { continue }
            mailboxes[mi].held = held
            refreshOn(mi)
        }
    }

    private mutating func refreshOn(_ mi: Int) {
        let m = mailboxes[mi]
        hotOn[mi] = m.enabled && !m.held && m.config.role == .active
    }

    public var groupNames: [String] { groups.map(\.config.name) }

    public var pendingCount: Int {
        groups.reduce(0) { $0 + $1.buckets.reduce(0) { $0 + $1.count } } + mailboxes.reduce(0) { $0 + $1.sticky.count }
    }

    // MARK: - decisions

    public mutating func decide(group name: String, at t: Double) -> Decision {
        guard let gi = groupIndex[name] else { return .wait(until: .infinity, reason: .noMailbox) }
        return decide(groupIndex: gi, at: t)
    }

    mutating func decide(groupIndex gi: Int, at t: Double) -> Decision {
        groups[gi].log.prune(upTo: t - 3_600)
        if t < groups[gi].nextEligible { return .wait(until: groups[gi].nextEligible, reason: groups[gi].waitReason) }
        if groups[gi].log.count >= groups[gi].config.hourlyCap {
            return .wait(until: (groups[gi].log.first ?? t) + 3_600, reason: .hourlyCap)
        }

        var best = -1, bestN = 0, bestCap = 1, bestLast = 0.0
        var sticky = -1, stickyN = 0, stickyCap = 1
        var wake = Double.infinity
        var reason = BlockReason.noMailbox
        func note(_ until: Double, _ r: BlockReason) { if until < wake { wake = until; reason = r } }

        for mi in groups[gi].mailboxes {
            guard hotOn[mi] else { continue }
            if t < hotNext[mi] { note(hotNext[mi], .mailboxInterval); continue }
            if t >= hotCapUntil[mi] { refreshCap(mi, at: t) }
            mailboxes[mi].log.prune(upTo: t - 86_400)
            let n = mailboxes[mi].log.count, cap = hotCap[mi]
            if n >= cap {
                note(cap == 0 ? hotCapUntil[mi] : max((mailboxes[mi].log.first ?? t) + 86_400, t + 1), .dailyCap)
                continue
            }
            // A due follow-up of this mailbox (its window open, its recipient not suppressed).
            if !mailboxes[mi].sticky.isEmpty, stickyDue(mi, at: t, note: &wake, reason: &reason) {
                if sticky < 0 || n * stickyCap < stickyN * cap { sticky = mi; stickyN = n; stickyCap = cap }
            }
            let last = hotLast[mi]
            if best < 0 || n * bestCap < bestN * cap || (n * bestCap == bestN * cap && last < bestLast) {
                best = mi; bestN = n; bestCap = cap; bestLast = last
            }
        }
        if sticky >= 0, let item = mailboxes[sticky].sticky.first {
            return .admit(admission(gi, sticky, item, at: t, sticky: true, bucket: -1))
        }
        if best >= 0 {
            var chosen = -1
            for b in groups[gi].buckets.indices {
                while let head = groups[gi].buckets[b].first, suppressed.contains(head.email) {
                    groups[gi].buckets[b].removeFirst()
                }
                guard let head = groups[gi].buckets[b].first else { continue }
                if head.notBefore > t { note(head.notBefore, .noDemand); continue }
                let (open, until) = windows.state(head.window, at: t)
                if !open { note(until, .window); continue }
                if chosen < 0 || head.notBefore < groups[gi].buckets[chosen].first!.notBefore { chosen = b }
            }
            if chosen >= 0, let item = groups[gi].buckets[chosen].first {
                return .admit(admission(gi, best, item, at: t, sticky: false, bucket: chosen))
            }
            if wake == .infinity { reason = .noDemand }
        }
        return .wait(until: wake, reason: reason)
    }

    private mutating func stickyDue(_ mi: Int, at t: Double, note wake: inout Double, reason: inout BlockReason) -> Bool {
        while let head = mailboxes[mi].sticky.first, suppressed.contains(head.email) { mailboxes[mi].sticky.removeFirst() }
        guard let head = mailboxes[mi].sticky.first else { return false }
        if head.notBefore > t {
            if head.notBefore < wake { wake = head.notBefore; reason = .noDemand }
            return false
        }
        let (open, until) = windows.state(head.window, at: t)
        if !open {
            if until < wake { wake = until; reason = .window }
            return false
        }
        return true
    }

    private mutating func admission(_ gi: Int, _ mi: Int, _ item: PendingItem, at t: Double, sticky: Bool, bucket: Int) -> Admission {
        let mNext = t + random.uniform(mailboxes[mi].config.interval)
        let gNext = t + random.uniform(groups[gi].config.pause)
        return Admission(row: item.row, email: item.email, group: groups[gi].config.name, mailbox: mailboxes[mi].config.address,
                         at: t, mailboxNextAt: mNext, groupNextAt: gNext,
                         limits: ReservationLimits(mailboxDailyCap: hotCap[mi], groupHourlyCap: groups[gi].config.hourlyCap),
                         groupIndex: gi, mailboxIndex: mi, sticky: sticky, bucket: bucket)
    }

    private mutating func refreshCap(_ mi: Int, at t: Double) {
        let r = Warmup.dailyCap(mailboxes[mi].config, shiftDays: mailboxes[mi].shiftDays, heldStage: mailboxes[mi].heldStage,
                                firstSent: mailboxes[mi].firstSent, now: t)
        mailboxes[mi].cap = r.cap
        mailboxes[mi].stage = r.stage
        mailboxes[mi].capValidUntil = UTCDay.startOfDay(t) + 86_400
        hotCap[mi] = r.cap
        hotCapUntil[mi] = mailboxes[mi].capValidUntil
    }

    /// The store reserved it: consume every limit at once.
    public mutating func commit(_ a: Admission) {
        removeItem(a)
        groups[a.groupIndex].log.append(a.at)
        groups[a.groupIndex].nextEligible = a.groupNextAt
        groups[a.groupIndex].waitReason = .groupPause
        mailboxes[a.mailboxIndex].log.append(a.at)
        mailboxes[a.mailboxIndex].nextEligible = a.mailboxNextAt
        mailboxes[a.mailboxIndex].lastSent = a.at
        if mailboxes[a.mailboxIndex].firstSent == nil { mailboxes[a.mailboxIndex].firstSent = a.at }
        hotNext[a.mailboxIndex] = a.mailboxNextAt
        hotLast[a.mailboxIndex] = a.at
    }

    /// The store found a limit taken by another sender: the message stays
    /// queued and the mailbox or the group waits until `until`.
    public mutating func hold(_ a: Admission, until: Double, limit: ReservationLimit) {
        switch limit {
        case .groupPause, .hourlyCap:
            if until > groups[a.groupIndex].nextEligible {
                groups[a.groupIndex].nextEligible = until
                groups[a.groupIndex].waitReason = limit == .hourlyCap ? .hourlyCap : .groupPause
            }
        case .mailboxInterval, .dailyCap:
            hotNext[a.mailboxIndex] = max(hotNext[a.mailboxIndex], until)
            mailboxes[a.mailboxIndex].nextEligible = hotNext[a.mailboxIndex]
        }
    }

    /// The store refused it (stopped, suppressed, already taken): drop it, consume nothing.
    public mutating func discard(_ a: Admission) { removeItem(a) }

    private mutating func removeItem(_ a: Admission) {
        if a.sticky {
            if mailboxes[a.mailboxIndex].sticky.first?.row == a.row { mailboxes[a.mailboxIndex].sticky.removeFirst() }
        } else if groups[a.groupIndex].buckets[a.bucket].first?.row == a.row {
            groups[a.groupIndex].buckets[a.bucket].removeFirst()
        }
    }

    // MARK: - introspection (status, simulation audits)

    public struct MailboxView: Sendable {
        public var address: String
        public var group: String
        public var enabled: Bool
        public var role: MailboxRole
        public var stage: Int?
        public var cap: Int
        public var sentLast24h: Int
    }

    public mutating func mailboxViews(at t: Double) -> [MailboxView] {
        mailboxes.indices.map { mi in
            refreshCap(mi, at: t)
            mailboxes[mi].log.prune(upTo: t - 86_400)
            let m = mailboxes[mi]
            return MailboxView(address: m.config.address, group: groups[m.group].config.name, enabled: m.enabled, role: m.config.role,
                               stage: m.stage, cap: m.cap, sentLast24h: m.log.count)
        }
    }
}
