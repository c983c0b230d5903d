import Foundation

extension SendingFleet {
    /// A fleet with the seed's numbers (DESIGN.md, sending.md §4.3) for
    /// simulations and benchmarks: 4 groups, 2 mailboxes per domain,
    /// 30–45 s group pause, 300/hour, 30–60 s mailbox interval, daily_max 150,
    /// the standard warmup schedule, mailboxes at staggered warmup ages.
    public static func example(domains: Int, now: Double) -> SendingFleet {
        let stages = [Warmup.Stage(days: 7, daily: 10), Warmup.Stage(days: 7, daily: 25), Warmup.Stage(days: 7, daily: 50),
                      Warmup.Stage(days: 7, daily: 100), Warmup.Stage(days: nil, daily: 150)]
        let groups = (1...4).map { SendingGroup(name: "g\($0)", hourlyCap: 300, pause: SecondsRange(30, 45)) }
        var mailboxes: [SendingMailbox] = []
        let names = ["alice", "bob", "carol"]
        for d in 0..<domains {
            let group = groups[d % 4].name
            let started = UTCDay.format(UTCDay.startOfDay(now) - Double((d * 7) % 40) * 86_400)
            for n in 0..<2 {
                mailboxes.append(SendingMailbox(address: "\(names[(d + n) % 3])\(n)@outreach-\(d).example", displayName: "\(names[(d + n) % 3].capitalized) Example",
                                                group: group, role: d % 50 == 49 ? .spare : .active, dailyMax: 150,
                                                interval: SecondsRange(30, 60), warmup: stages, warmupStarted: started))
            }
        }
        return SendingFleet(groups: groups, mailboxes: mailboxes,
                            unsubscribe: UnsubscribeSettings(baseURL: "https://u.example.org/u", secret: "env:RECONCILE_UNSUBSCRIBE_SECRET"))
    }
}
