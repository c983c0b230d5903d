import Foundation
import Store

/// `reconcile enqueue`: validates the campaign and the whole recipients file
/// first, then writes everything in one transaction — a bad file changes
/// nothing that is already queued.
public enum Enqueuer {
    public struct Summary: Sendable, Equatable {
        public var campaign: String
        public var group: String
        public var rows: Int
        public var duplicatesMerged: Int
        public var report: EnqueueReport

        public func render() -> String {
            "campaign \(campaign) → group \(group): \(report.enrolled) enrolled, \(duplicatesMerged) duplicate rows merged, "
                + "\(report.suppressed) suppressed skipped, \(report.alreadyEnrolled) already enrolled"
        }
    }

    public static func enqueue(campaignPath: String, recipientsPath: String, group: String, fleet: SendingFleet?,
                               store: any SendingStore, now: Double) throws -> Summary {
        var errors: [SenderError] = []
        var campaign: Campaign?
        var recipients: RecipientsCSV.Result?
        do { campaign = try CampaignLoader.load(path: campaignPath) } catch let e as SenderError { errors.append(e) }
        do { recipients = try RecipientsCSV.load(path: recipientsPath) } catch let e as SenderError { errors.append(e) }
        if let fleet, fleet.group(named: group) == nil {
            errors.append(.invalidInput(file: "--group", line: nil, field: "group",
                                        message: "no sending group '\(group)' (known: \(fleet.groups.map(\.name).joined(separator: ", ")))"))
        }
        guard errors.isEmpty, var campaign, let recipients else { throw errors.count == 1 ? errors[0] : SenderError.many(errors) }
        if campaign.inheritsWindow, let g = fleet?.group(named: group), let w = g.window {
            campaign.window = w
            campaign.defaultTimeZone = g.windowTimeZone ?? campaign.defaultTimeZone
        }
        if let existing = try store.campaign(id: campaign.id), existing.group != group {
            throw SenderError.invalidInput(file: campaignPath, line: nil, field: "campaign",
                                           message: "campaign '\(campaign.id)' already sends from group \(existing.group), not \(group)")
        }
        let report = try store.enqueue(campaign: campaign.record(group: group), recipients: recipients.recipients, now: now)
        return Summary(campaign: campaign.id, group: group, rows: recipients.recipients.count + recipients.duplicatesMerged,
                       duplicatesMerged: recipients.duplicatesMerged, report: report)
    }
}
