import App
import ArgumentParser
import Foundation

enum CostFormat: String, ExpressibleByArgument, CaseIterable {
    case text, markdown, json
    var render: CostRender.Format { CostRender.Format(rawValue: rawValue)! }
}

/// `reconcile cost`: monthly and yearly cost per group and in total, from the
/// inventory and the registrars' pricing APIs; exit 2 when something does not
/// fit (a Mailgun quota, the Zoho plan's mailboxes, the budget, a domain
/// without a price).
struct CostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cost",
        abstract: "What the fleet costs per month and year, per group and in total; exit 2 when something does not fit.",
        discussion: """
            Renewals come from each registrar account's pricing API (Porkbun pricing/get, Namecheap users.getPricing) \
            unless costs.renewal_overrides names the TLD; Mailgun's plan is chosen per account from the groups' planned \
            monthly volume (the capacity planner, every mailbox warm); Zoho is priced per mailbox. Plan prices and the \
            budget come from the inventory's costs: section (built-in defaults, dated).

            Examples:
              reconcile cost
              reconcile cost --sandbox --format markdown --base origin/main
            """)

    @Option(help: "The inventory directory (every *.yaml under it is read).")
    var inventory = "inventory"

    @Option(help: "Output: text, markdown (a pull-request comment) or json.")
    var format: CostFormat = .text

    @Option(name: [.customLong("base"), .customLong("changed-since")],
            help: "A git ref: also show the cost delta against the inventory at that ref (a pull request's base; --changed-since is the same, as --plan spells it).")
    var base: String?

    @Flag(help: "Ask the built-in sandbox's registrar emulators for prices instead of the real APIs.")
    var sandbox = false

    func run() async throws {
        let outcome = try await funnel {
            try await CostRun.run(CostRun.Request(inventoryDirectory: inventory, sandbox: sandbox, base: base))
        }
        for note in outcome.notes { stderr("note: \(note)\n") }
        print(try CostRender.render(outcome.report, delta: outcome.delta, format: format.render), terminator: "")
        if !outcome.report.fits { throw ExitCode(2) }
    }
}
