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

    /// What can be checked before the store is opened: the campaign file,
    /// the group against the fleet, the template variables against the
    /// recipients' columns (and every row too when any of these fails, so
    /// one run reports every problem).
    public struct Request: Sendable {
        public var campaign: Campaign
        public var group: String
        public var campaignPath: String
        public var recipientsPath: String
        /// Columns the templates use without a default: no row may leave them empty.
        public var requiredColumns: [String: String]
        /// Enqueue a changed campaign under its old name (`--replace`).
        public var replace: Bool

        public init(campaignPath: String, recipientsPath: String, group: String, fleet: SendingFleet, replace: Bool = false) throws {
            var errors: [SenderError] = []
            var loaded: CampaignLoader.Loaded?
            do { loaded = try CampaignLoader.loadWithTemplates(path: campaignPath) } catch let e as SenderError { errors.append(e) }
            if fleet.group(named: group) == nil {
                let known = fleet.groups.map(\.name).joined(separator: ", ")
                errors.append(.invalidInput(file: "--group", line: nil, field: "group",
                                            message: "no sending group '\(TerminalText.escaped(group))' (known: \(known.isEmpty ? "none" : known))"))
            }
            var columns: [String]?
            do { columns = try RecipientsCSV.columns(path: recipientsPath) } catch let e as SenderError { errors.append(e) }
            var required: [String: String] = [:]
            if let loaded, let columns {
                let check = Self.checkVariables(loaded, columns: columns, file: campaignPath)
                errors += check.errors
                required = check.required
            }
            if !errors.isEmpty, columns != nil {
                do { try RecipientsCSV.read(path: recipientsPath, required: required) { _ in } } catch let e as SenderError { errors.append(e) }
            }
            guard errors.isEmpty, let loaded else { throw errors.count == 1 ? errors[0] : SenderError.many(errors) }
            // An inherited window is resolved by the sender at send time, never frozen here.
            self.campaign = loaded.campaign
            self.group = group
            self.campaignPath = campaignPath
            self.recipientsPath = recipientsPath
            self.requiredColumns = required
            self.replace = replace
        }

        /// Every `{{variable}}` must be a column or a built-in; a column a
        /// template uses without a default must be filled on every row.
        static func checkVariables(_ loaded: CampaignLoader.Loaded, columns: [String], file: String)
            -> (errors: [SenderError], required: [String: String]) {
            var errors: [SenderError] = []
            var required: [String: String] = [:]
            let known = Set(columns).union(TemplateVariables.builtIns)
            for site in loaded.templates {
                for use in site.variables {
                    if !known.contains(use.name) {
                        errors.append(.invalidInput(file: file, line: site.line, field: site.path,
                                                    message: "unknown variable '\(TerminalText.escaped(use.name, limit: 40))' (columns: \(columns.joined(separator: ", ")))"))
                    } else if !use.hasDefault, !TemplateVariables.builtIns.contains(use.name), required[use.name] == nil {
                        required[use.name] = site.path
                    }
                }
            }
            return (errors, required)
        }

        /// Streams the recipients into `store` in one transaction.
        public func write(to store: any SendingStore, now: Double) throws -> Summary {
            if let existing = try store.campaign(id: campaign.id) {
                if existing.group != group {
                    throw SenderError.invalidInput(file: campaignPath, line: nil, field: "campaign",
                                                   message: "campaign '\(campaign.id)' already sends from group \(existing.group), not \(group)")
                }
                let old = try Campaign.from(record: existing)
                let changed = campaign.changes(from: old)
                if !changed.isEmpty && !replace {
                    let active = Set(try store.messages(state: nil).filter {
                        $0.campaign == campaign.id && $0.step > 0 && [.planned, .deferred, .reserved, .attempting].contains($0.state)
                    }.map(\.email)).count
                    throw SenderError.invalidInput(file: campaignPath, line: nil, field: "campaign",
                                                   message: "campaign '\(campaign.id)' is already queued and this file changes \(changed.joined(separator: ", ")); "
                                                       + "\(active) recipient\(active == 1 ? " is" : "s are") mid-sequence. Pass --replace to send the new version "
                                                       + "from their next step on, or enqueue it under a new name")
                }
            }
            var rows = 0
            let report = try store.enqueue(campaign: campaign.record(group: group), now: now) { add in
                rows = try RecipientsCSV.read(path: recipientsPath, required: requiredColumns, add)
            }
            return Summary(campaign: campaign.id, group: group, rows: rows, report: report)
        }
    }

    public static func enqueue(campaignPath: String, recipientsPath: String, group: String, fleet: SendingFleet,
                               store: any SendingStore, now: Double, replace: Bool = false) throws -> Summary {
        try Request(campaignPath: campaignPath, recipientsPath: recipientsPath, group: group, fleet: fleet, replace: replace)
            .write(to: store, now: now)
    }
}
