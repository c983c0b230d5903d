import ArgumentParser
import Foundation
import Reconciler

/// The options of `--apply` (plan options are in `FleetOptions`).
struct ApplyOptions: ParsableArguments {
    @Flag(name: .customLong("auto-approve"), help: "Apply without asking (required when stdin is not a terminal).")
    var autoApprove = false

    @Flag(name: .customLong("allow-destructive"), help: "Apply a plan the safety checks refuse (mass rewrites, MX removal, teardowns, nameserver changes).")
    var allowDestructive = false

    @Option(help: "Keep re-planning for up to this long while verifications wait on DNS (e.g. 5m). 0: one round of waiting is left to the next run.")
    var wait = DurationArgument(seconds: 0)

    @Option(name: .customLong("lock-timeout"), help: "How long to wait for another apply to finish (e.g. 30s).")
    var lockTimeout = DurationArgument(seconds: 0)

    @Option(name: .customLong("apply-concurrency"), help: "Concurrent provider writes.")
    var applyConcurrency = 8
}

extension FleetSession {
    /// The safety thresholds: the inventory's `safety:` settings, with
    /// `--allow-destructive` on top.
    func safetyPolicy(allowDestructive: Bool) -> SafetyPolicy {
        let s = inventory.safety
        return SafetyPolicy(maxRewriteFraction: s.maxRewrite.fraction,
                            minimumManagedRecords: s.minimumManagedRecords, maxDomainTeardowns: s.maxTeardowns,
                            allowDestructive: allowDestructive)
    }

    /// Prints to stdout with every secret value redacted.
    func out(_ text: String) { FileHandle.standardOutput.write(Data(redactor.redact(text).utf8)) }
    func err(_ text: String) { stderr(redactor.redact(text)) }

    func render(_ plan: Plan, _ format: PlanFormat) throws -> String {
        switch format {
        case .text: TextRenderer(colour: isatty(1) != 0).render(plan)
        case .markdown: MarkdownRenderer().render(plan)
        case .json: try JSONRenderer().render(plan) + "\n"
        }
    }
}

/// Runs a command body, turning the engine's refusals into `error: …` and
/// exit 1 (secrets redacted), and always closing the session.
func withSession(_ options: FleetOptions, _ body: (FleetSession) async throws -> Int32) async throws {
    let session = try await FleetSession.open(options)
    let code: Int32
    do {
        code = try await body(session)
    } catch let e as ExitCode {
        await session.close()
        throw e
    } catch {
        await session.close()
        session.err("error: \(error)\n")
        throw ExitCode.failure
    }
    await session.close()
    if code != 0 { throw ExitCode(code) }
}
