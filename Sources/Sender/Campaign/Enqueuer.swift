import Foundation
import Store

/// `reconcile enqueue`: checks the campaign, the sending group and the
/// recipients file, streaming the file into one store transaction — a bad row
/// anywhere rolls everything back, so a bad file changes nothing already queued.
public enum Enqueuer {
    public struct Summary: Sendable, Equatable {
        public var campaign: String
        public var group: String
        public var rows: Int
        public var report: EnqueueReport

        public var duplicatesMerged: Int { report.duplicatesMerged }

        public func render() -> String {
            "campaign \(campaign) → group \(group): \(report.enrolled) enrolled, \(report.duplicatesMerged) duplicate rows merged, "
                + "\(report.suppressed) suppressed skipped, \(report.alreadyEnrolled) already enrolled"
        }
    }

    /// What can be checked before the store is opened: the campaign file, the
    /// group against the fleet (and the recipients file too when either fails,
    /// so one run reports every problem).
    public struct Request: Sendable {
        public var campaign: Campaign
        public var group: String
        public var campaignPath: String
        public var recipientsPath: String

        public init(campaignPath: String, recipientsPath: String, group: String, fleet: SendingFleet) throws {
            var errors: [SenderError] = []
            var campaign: Campaign?
            do { campaign = try CampaignLoader.load(path: campaignPath) } catch let e as SenderError { errors.append(e) }
            let sendingGroup = fleet.group(named: group)
            if sendingGroup == nil {
                let known = fleet.groups.map(\.name).joined(separator: ", ")
                errors.append(.invalidInput(file: "--group", line: nil, field: "group",
                                            message: "no sending group '\(TerminalText.escaped(group))' (known: \(known.isEmpty ? "none" : known))"))
            }
            if !errors.isEmpty {
                do { try RecipientsCSV.read(path: recipientsPath) { _ in } } catch let e as SenderError { errors.append(e) }
            }
            guard errors.isEmpty, var campaign else { throw errors.count == 1 ? errors[0] : SenderError.many(errors) }
            if campaign.inheritsWindow, let g = sendingGroup, let w = g.window {
                campaign.window = w
                campaign.defaultTimeZone = g.windowTimeZone ?? campaign.defaultTimeZone
                campaign.recipientLocal = g.windowRecipientLocal
            }
            self.campaign = campaign
            self.group = group
            self.campaignPath = campaignPath
            self.recipientsPath = recipientsPath
        }

        /// Streams the recipients into `store` in one transaction.
        public func write(to store: any SendingStore, now: Double) throws -> Summary {
            if let existing = try store.campaign(id: campaign.id), existing.group != group {
                throw SenderError.invalidInput(file: campaignPath, line: nil, field: "campaign",
                                               message: "campaign '\(campaign.id)' already sends from group \(existing.group), not \(group)")
            }
            var rows = 0
            let report = try store.enqueue(campaign: campaign.record(group: group), now: now) { add in
                rows = try RecipientsCSV.read(path: recipientsPath, add)
            }
            return Summary(campaign: campaign.id, group: group, rows: rows, report: report)
        }
    }

    public static func enqueue(campaignPath: String, recipientsPath: String, group: String, fleet: SendingFleet,
                               store: any SendingStore, now: Double) throws -> Summary {
        try Request(campaignPath: campaignPath, recipientsPath: recipientsPath, group: group, fleet: fleet).write(to: store, now: now)
    }
}
