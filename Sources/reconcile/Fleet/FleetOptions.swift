import App
import ArgumentParser
import Foundation
import Reconciler
import Store

/// What `--plan`, `--apply` and `drift` share: where the inventory and the
/// state are, which part of the fleet, how to observe it.
struct FleetOptions: ParsableArguments {
    @Option(help: "The inventory directory (every *.yaml under it is read).")
    var inventory = "inventory"

    @Option(help: StateOptionHelp.text(" (observation cache, apply journal, ownership, lock)", sandbox: true))
    var state: String?

    @Option(name: .customLong("domain"), help: "Only these domains (repeatable, or comma-separated).")
    var domains: [String] = []

    @Option(name: .customLong("group"), help: "Only the domains of these sending groups (repeatable, or comma-separated).")
    var groups: [String] = []

    @Option(name: .customLong("changed-since"), help: "Only the domains whose inventory differs from this git ref (a PR-scoped plan).")
    var changedSince: String?

    @Option(help: "Observation cache use: auto (re-read what is older than --max-age), full (read everything), none (read only what was never observed).")
    var refresh: RefreshMode = .auto

    @Option(name: .customLong("max-age"), help: "With --refresh auto: how old a cached observation may be (e.g. 30s, 10m, 1h).")
    var maxAge: DurationArgument = DurationArgument(seconds: 600)

    @Option(help: "Progress on stderr while observing: auto (only on a terminal), always, never.")
    var progress: ProgressMode = .auto

    @Option(help: "Concurrent zone reads (each account's rate budget still paces its calls).")
    var concurrency = 16

    @Flag(help: "Run against the built-in sandbox: every provider emulated in-process, the world kept under .reconcile/sandbox/, credentials filled in.")
    var sandbox = false

    /// Tests and benchmarks: lifts the clients' rate budgets (and the
    /// emulators' limits). Refused unless every API is an emulator.
    @Flag(name: .customLong("no-rate-limits"), help: .hidden)
    var noRateLimits = false

    var scope: ScopeRequest { ScopeRequest(domains: domains, groups: groups, changedSince: changedSince) }

    var request: FleetSession.Request {
        FleetSession.Request(inventoryDirectory: inventory, state: state, scope: scope, sandbox: sandbox,
                             rateLimits: !noRateLimits, concurrency: concurrency,
                             progress: progress.enabled(isTTY: isatty(2) != 0) ? observeProgress(tty: isatty(2) != 0) : nil)
    }

    var refreshPolicy: RefreshPolicy {
        switch refresh {
        case .auto: .auto(maxAge: maxAge.seconds)
        case .full: .full
        case .none: .none
        }
    }

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
    }
}
