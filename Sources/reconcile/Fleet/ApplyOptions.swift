import ArgumentParser
import Foundation

/// The options of `--apply` (plan options are in `FleetOptions`). Optional,
/// so that `--plan` can refuse any of them instead of ignoring it.
struct ApplyOptions: ParsableArguments {
    @Flag(name: .customLong("auto-approve"), help: "Apply without asking (required when stdin is not a terminal).")
    var autoApprove = false

    @Flag(name: .customLong("allow-destructive"), help: "Apply a plan the safety checks refuse (mass rewrites, MX removal, teardowns, nameserver changes).")
    var allowDestructive = false

    @Option(help: "Keep re-planning for up to this long while verifications wait on DNS (e.g. 5m). Default 0: one round of waiting is left to the next run.")
    var wait: DurationArgument?

    @Option(name: .customLong("lock-timeout"), help: "How long to wait for another apply to finish (e.g. 30s). Default 0.")
    var lockTimeout: DurationArgument?

    @Option(name: .customLong("apply-concurrency"), help: "Concurrent provider writes per provider account. Default 8.")
    var applyConcurrency: Int?

    @Flag(help: "Send the apply's alert (failed, or cleared) to Telegram now, not only queue it for reconcile serve.")
    var alert = false

    var waitSeconds: TimeInterval { wait?.seconds ?? 0 }
    var lockTimeoutSeconds: TimeInterval { lockTimeout?.seconds ?? 0 }
    var concurrency: Int { applyConcurrency ?? 8 }

    /// The flags given, as typed: `--plan` rejects them.
    var given: [String] {
        [autoApprove ? "--auto-approve" : nil, allowDestructive ? "--allow-destructive" : nil, wait.map { _ in "--wait" },
         lockTimeout.map { _ in "--lock-timeout" }, applyConcurrency.map { _ in "--apply-concurrency" },
         alert ? "--alert" : nil].compactMap { $0 }
    }
}
