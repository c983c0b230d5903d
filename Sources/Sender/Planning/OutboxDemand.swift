import Store

/// A state file's queued first steps, by campaign: the demand `send
/// --simulate --outbox` replays instead of unlimited demand.
public struct OutboxDemand: Sendable {
    public struct Entry: Sendable {
        public var campaign: Campaign
        public var group: String
        public var recipients: [Enrollment]
    }

    /// Sorted by campaign id, so the same state file simulates the same way.
    public var entries: [Entry]
    public var suppressed: Set<String>

    /// Reads `store` only.
    public init(store: any SendingStore) throws {
        suppressed = try store.suppressedEmails()
        var byCampaign: [String: Entry] = [:]
        for m in try store.pendingMessages() where m.step == 0 {
            guard let r = try store.campaign(id: m.campaign), let record = try store.messageRecord(row: m.row) else { continue }
            if byCampaign[m.campaign] == nil { byCampaign[m.campaign] = Entry(campaign: try Campaign.from(record: r), group: r.group, recipients: []) }
            byCampaign[m.campaign]!.recipients.append(Enrollment(email: m.email, timeZone: m.timeZone, variables: record.variables))
        }
        entries = byCampaign.keys.sorted().map { byCampaign[$0]! }
    }

    /// The shape `Simulator.run(outbox:)` takes.
    public var outbox: [(campaign: Campaign, group: String, recipients: [Enrollment])] {
        entries.map { ($0.campaign, $0.group, $0.recipients) }
    }
}
