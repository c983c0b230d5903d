import App
import ArgumentParser
import Foundation
import Reconciler
import Store

/// `reconcile explain DOMAIN`: every desired record and resource of one
/// domain, the inventory lines it comes from, what the providers hold, and
/// why the tool does or does not manage it. Reads like `--plan --domain`.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show where each record and resource of a domain comes from in the inventory, what the providers hold, and why it is (not) managed.",
        discussion: """
            Each item shows its status (= in sync, + to create, ~ to update, - to delete, ? pending, · left alone), \
            the desired and observed values, why, and the settings behind it as FILE:LINE (the domain's own entry, its group, \
            or defaults). Records at the provider that the inventory does not name are listed as unmanaged: left alone.

            Examples:
              reconcile explain acme-mail.de --sandbox
              reconcile explain acme-mail.de --refresh full --format json
            """)

    @Argument(help: "The domain, as the inventory names it.")
    var domain: String

    @Option(help: "The inventory directory (every *.yaml under it is read).")
    var inventory = "inventory"

    @Option(help: StateOptionHelp.text(sandbox: true))
    var state: String?

    @Option(help: "Observation cache use: auto (re-read what is older than --max-age), full (read everything), none (read only what was never observed).")
    var refresh: RefreshMode = .auto

    @Option(name: .customLong("max-age"), help: "With --refresh auto: how old a cached observation may be (e.g. 30s, 10m, 1h).")
    var maxAge: DurationArgument = DurationArgument(seconds: 600)

    @Flag(help: "Run against the built-in sandbox (every provider emulated in-process, the world under .reconcile/sandbox/).")
    var sandbox = false

    @Option(help: "Output: text or json.")
    var format: OutputFormat = .text

    /// Tests: lifts the clients' rate budgets; refused unless every API is on loopback.
    @Flag(name: .customLong("no-rate-limits"), help: .hidden)
    var noRateLimits = false

    func run() async throws {
        let request = FleetSession.Request(inventoryDirectory: inventory, state: state, sandbox: sandbox, rateLimits: !noRateLimits)
        let policy: RefreshPolicy = switch refresh {
        case .auto: .auto(maxAge: maxAge.seconds)
        case .full: .full
        case .none: .none
        }
        try await withSession(request: request) { session in
            let explanation = try await DomainExplain.explain(domain, in: session, refresh: policy)
            switch format {
            case .text: session.out(ExplainTextRenderer().render(explanation))
            case .json:
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                enc.dateEncodingStrategy = .iso8601
                session.out(String(decoding: try enc.encode(explanation), as: UTF8.self) + "\n")
            }
            return explanation.blocked == nil ? 0 : 1
        }
    }
}
