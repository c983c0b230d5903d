import ArgumentParser
import Inventory

/// `reconcile promote-spare`: edits the inventory files in place (a spare of
/// the group becomes active, the replaced domain retired), prints the diff
/// and stops; the change then goes through review and plan/apply.
struct PromoteSpareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote-spare",
        abstract: "Make a spare domain of a group active (and retire the one it replaces) by editing the inventory; prints the diff.",
        discussion: """
            The first spare of the group with at least one mailbox (in file order) becomes active; with --replace the named \
            active domain of the group is retired. Only the role: values change (or one role: line is added): comments and \
            every other line stay as written. The edited inventory is validated before it is written. Nothing is sent or \
            applied: review the diff, open a pull request, then plan and apply as usual.

            Example:
              reconcile promote-spare --group eu-outreach --replace acme-mail.de
            """)

    @Option(name: .long, help: "The inventory directory (every *.yaml under it is read).")
    var inventory = "inventory"

    @Option(name: .long, help: "The group whose spare is promoted.")
    var group: String

    @Option(name: .long, help: "An active domain of the group to retire in the same change.")
    var replace: String?

    func run() async throws {
        try await funnel {
            let promotion = try SparePromotion.prepare(directory: inventory, group: group, replace: replace)
            try promotion.write()
            print(promotion.diff, terminator: "")
            let retired = promotion.retired.map { ", \($0.name) retired" } ?? ""
            stderr("promote-spare: \(promotion.promoted.name) active\(retired) in group \(promotion.group) "
                   + "(\(promotion.edits.map(\.file).joined(separator: ", ")) edited); nothing applied: review, then plan and apply\n")
        }
    }
}
