import Foundation
import Store

/// A sequence of outreach steps (the campaign YAML, validated).
public struct Campaign: Codable, Sendable, Equatable {
    public var id: String
    public var steps: [CampaignStep]
    public var window: WeeklyWindow
    /// Recipients without a time zone of their own are read in this one.
    public var defaultTimeZone: String
    public var stopOnReply: Bool
    public var stopOnBounce: Bool
    /// The YAML named no window: the sending group's **current**
    /// `limits.window` applies, resolved when the sender loads the campaign
    /// (`resolved(in:)`), never frozen at enqueue.
    public var inheritsWindow: Bool
    /// The window's `recipient_local` (the campaign's own, or the group's for
    /// an inherited window). False: the window is read in `defaultTimeZone`
    /// for every recipient; true: in the recipient's own zone when known;
    /// nil (campaigns stored before the key was read): as true.
    public var recipientLocal: Bool?
    /// The window named no `timezone`: the group's window zone applies, the
    /// same default as the inventory's. Optional so older definitions decode.
    public var inheritsTimeZone: Bool?

    /// The zone `window` is read in for a recipient whose own zone is `recipientZone`.
    public func windowZone(recipientZone: String?) -> String {
        recipientLocal == false ? defaultTimeZone : recipientZone ?? defaultTimeZone
    }

    public init(id: String, steps: [CampaignStep], window: WeeklyWindow = .always, defaultTimeZone: String = "UTC",
                stopOnReply: Bool = true, stopOnBounce: Bool = true, inheritsWindow: Bool = false, inheritsTimeZone: Bool? = nil) {
        self.id = id; self.steps = steps; self.window = window; self.defaultTimeZone = defaultTimeZone
        self.stopOnReply = stopOnReply; self.stopOnBounce = stopOnBounce; self.inheritsWindow = inheritsWindow
        self.inheritsTimeZone = inheritsTimeZone
    }

    /// The campaign as it sends from `group` now: an inherited window or
    /// zone takes the group's current one (24/7 and UTC when the group has none).
    public func resolved(in group: SendingGroup?) -> Campaign {
        var c = self
        if inheritsWindow {
            c.window = group?.window ?? .always
            c.defaultTimeZone = group?.windowTimeZone ?? "UTC"
            c.recipientLocal = group?.windowRecipientLocal
        } else if inheritsTimeZone == true {
            c.defaultTimeZone = group?.windowTimeZone ?? "UTC"
        }
        return c
    }

    /// What differs from `old` as field paths (`steps[1].text`, `window`),
    /// for the refusal to enqueue a changed campaign under its old name.
    public func changes(from old: Campaign) -> [String] {
        var out: [String] = []
        if steps.count != old.steps.count { out.append("steps (\(old.steps.count) → \(steps.count))") }
        for (i, (a, b)) in zip(old.steps, steps).enumerated() {
            if a.delay != b.delay { out.append("steps[\(i)].delay") }
            if a.subject != b.subject { out.append("steps[\(i)].subject") }
            if a.text != b.text { out.append("steps[\(i)].text") }
            if a.html != b.html { out.append("steps[\(i)].html") }
        }
        if window != old.window || inheritsWindow != old.inheritsWindow || defaultTimeZone != old.defaultTimeZone
            || (inheritsTimeZone ?? false) != (old.inheritsTimeZone ?? false)
            || (recipientLocal ?? true) != (old.recipientLocal ?? true) { out.append("window") }
        if stopOnReply != old.stopOnReply || stopOnBounce != old.stopOnBounce { out.append("stop_on") }
        return out
    }

    /// How the store keeps it.
    public func record(group: String) -> CampaignRecord {
        let json = String(decoding: (try? JSONEncoder.sorted.encode(self)) ?? Data(), as: UTF8.self)
        return CampaignRecord(id: id, group: group, definition: json, stepDelays: steps.map(\.delay),
                              stopOnReply: stopOnReply, stopOnBounce: stopOnBounce)
    }

    public static func from(record: CampaignRecord) throws -> Campaign {
        try JSONDecoder().decode(Campaign.self, from: Data(record.definition.utf8))
    }
}

public struct CampaignStep: Codable, Sendable, Equatable {
    /// Seconds after the previous step was accepted (0 for the first step).
    public var delay: Double
    /// Mustache templates.
    public var subject: String
    public var text: String
    public var html: String?
    public init(delay: Double = 0, subject: String, text: String, html: String? = nil) {
        self.delay = delay; self.subject = subject; self.text = text; self.html = html
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder { let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]; return e }
}

extension OutboxDemand {
    /// The queued demand with each campaign resolved in `fleet` as the sender
    /// resolves it (an inherited window is the group's current one).
    public func outbox(in fleet: SendingFleet) -> [(campaign: Campaign, group: String, recipients: [Enrollment])] {
        outbox.map { ($0.campaign.resolved(in: fleet.group(named: $0.group)), $0.group, $0.recipients) }
    }
}
