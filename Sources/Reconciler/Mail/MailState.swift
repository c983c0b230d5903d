import Foundation
import Inventory

/// Attribute names of mail resource states. `account` (and `region` /
/// `orgID`) ride in every action so a driver picks its client from the
/// action alone: a saved plan is applied later by another process.
enum MailState {
    static let account = "account", region = "region", orgID = "orgID", state = "state"
    static let dkimSelector = "dkimSelector", dkimKeySize = "dkimKeySize", webPrefix = "webPrefix"
    static let passwordSecret = "passwordSecret", passwordVersion = "passwordVersion"
    static let url = "url", priority = "priority", expression = "expression", actions = "actions"
    static let copies = "copies", ids = "ids"
    static let verified = "verified", hosting = "hosting", selector = "selector"
    static let enabled = "enabled", zuid = "zuid", accountID = "accountID", displayName = "displayName"

    static func mailgunAccount(_ mg: DesiredMailgunDomain) -> [String: PlanValue] {
        [account: .string(mg.account), region: .string(mg.region.rawValue)]
    }

    /// A route's actions as one value: a JSON array, unambiguous whatever the
    /// actions contain, and one line in a rendered plan.
    static func list(_ items: [String]) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        return (try? e.encode(items)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    static func list(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    static func zohoAccount(_ z: DesiredZohoDomain) -> [String: PlanValue] {
        [account: .string(z.account), orgID: .string(z.orgID)]
    }
}
