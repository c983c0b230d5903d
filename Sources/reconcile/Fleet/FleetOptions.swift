import ArgumentParser
import Foundation
import Reconciler
import Store

/// What `--plan`, `--apply` and `drift` share: where the inventory and the
/// state are, which part of the fleet, how to observe it.
struct FleetOptions: ParsableArguments {
    @Option(help: "The inventory directory (every *.yaml under it is read).")
    var inventory = "inventory"

    @Option(help: "The SQLite state file (observation cache, apply journal, ownership, lock). Default .reconcile/state.sqlite, or .reconcile/sandbox/state.sqlite with --sandbox.")
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
    var progress: ProgressChoice = .auto

    @Option(help: "Concurrent zone reads (each account's rate budget still paces its calls).")
    var concurrency = 16

    @Flag(help: "Run against the built-in sandbox: every provider emulated in-process, the world kept under .reconcile/sandbox/, credentials filled in.")
    var sandbox = false

    /// Tests and benchmarks: lifts the clients' rate budgets (and the
    /// emulators' limits). Refused unless every API is an emulator.
    @Flag(name: .customLong("no-rate-limits"), help: .hidden)
    var noRateLimits = false

    var statePath: String { state ?? (sandbox ? SandboxSession.home + "/state.sqlite" : ".reconcile/state.sqlite") }

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

enum RefreshMode: String, ExpressibleByArgument, CaseIterable { case auto, full, none }

enum ProgressChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
    var mode: ProgressMode { ProgressMode(rawValue: rawValue)! }
}

enum PlanFormat: String, ExpressibleByArgument, CaseIterable { case text, markdown, json }

/// `30s`, `10m`, `2h`, or plain seconds.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var seconds: TimeInterval
    init(seconds: TimeInterval) { self.seconds = seconds }
    init?(argument: String) {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        var text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        var factor = 1.0
        if let last = text.last, let f = units[last] { factor = f; text.removeLast() }
        guard let n = Double(text), n >= 0, n.isFinite else { return nil }
        seconds = n * factor
    }
    var defaultValueDescription: String {
        seconds.truncatingRemainder(dividingBy: 60) == 0 && seconds > 0 ? "\(Int(seconds / 60))m" : "\(Int(seconds))s"
    }
}
