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
    /// The YAML named no window: the sending group's inventory window applies at enqueue.
    public var inheritsWindow: Bool
    /// False: the window is read in `defaultTimeZone` for every recipient (the
    /// group's `recipient_local: false`); nil or true: in the recipient's own zone when known.
    public var recipientLocal: Bool?

    /// The zone `window` is read in for a recipient whose own zone is `recipientZone`.
    public func windowZone(recipientZone: String?) -> String {
        recipientLocal == false ? defaultTimeZone : recipientZone ?? defaultTimeZone
    }

    public init(id: String, steps: [CampaignStep], window: WeeklyWindow = .always, defaultTimeZone: String = "UTC",
                stopOnReply: Bool = true, stopOnBounce: Bool = true, inheritsWindow: Bool = false) {
        self.id = id; self.steps = steps; self.window = window; self.defaultTimeZone = defaultTimeZone
        self.stopOnReply = stopOnReply; self.stopOnBounce = stopOnBounce; self.inheritsWindow = inheritsWindow
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
