import ArgumentParser

import Foundation

/// Routes `reconcile --plan …` / `reconcile --apply [PLANFILE] …` to the
/// engine run, everything else to the subcommands. (A root command with
/// both a positional plan file and subcommands would read `validate` as a
/// plan file.)
@main
enum Entry {
    static func main() async {
        let args = Array(CommandLine.arguments.dropFirst())
        let head = args.prefix { $0 != "--" }
        if let first = head.first, first.hasPrefix("-"), head.contains("--plan") || head.contains("--apply") {
            await EngineRun.main(args)
        } else {
            await Reconcile.main(args)
        }
    }
}

/// The subcommands; `--plan` and `--apply` are described in the discussion
/// and parsed by `EngineRun`.
struct Reconcile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Email outreach infrastructure as code.",
        discussion: """
            reconcile --plan [--detailed-exitcode] [--format text|markdown|json] [--out FILE]
            reconcile --apply [PLANFILE] [--auto-approve] [--allow-destructive] [--wait 5m]
            reconcile drift
            Add --sandbox to run any of them against the built-in emulators.
            Options of --plan/--apply: reconcile --plan --help
            """,
        subcommands: [Validate.self, ExampleFleet.self, DriftCommand.self,
                      SandboxCommand.self, SandboxBenchCommand.self,
                      EnqueueCommand.self, SendCommand.self, CapacityCommand.self, StatusCommand.self, EnableMailboxCommand.self,
                      ForgetCommand.self]
    )
}

/// `reconcile --plan …` and `reconcile --apply [PLANFILE] …`.
struct EngineRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Plan or apply the inventory against the providers (reconcile --plan | --apply [PLANFILE]).")

    @Flag(help: "Observe the fleet and print what would change.")
    var plan = false

    @Flag(help: "Apply a plan file, or plan and apply (asking first on a terminal).")
    var apply = false

    @Argument(help: "With --apply: a plan saved by --plan --out; applied exactly, and refused when stale.")
    var planFile: String?

    @OptionGroup var fleet: FleetOptions
    @OptionGroup var applyOptions: ApplyOptions

    @Option(help: "Plan output: text (colour on a terminal), markdown (a PR comment, under 65,000 characters) or json.")
    var format: PlanFormat = .text

    @Option(help: "Save the complete plan (actions and fingerprint) as JSON, for --apply PLANFILE.")
    var out: String?

    @Flag(name: .customLong("detailed-exitcode"), help: "With --plan: exit 0 when there are no changes, 2 when there are, 1 on error.")
    var detailedExitcode = false

    func validate() throws {
        guard plan != apply else {
            throw ValidationError(plan ? "--plan and --apply cannot be combined" : "say what to do: --plan, --apply, or a subcommand (see --help)")
        }
        if planFile != nil && !apply { throw ValidationError("a plan file is only read by --apply") }
        if planFile != nil && (!fleet.domains.isEmpty || !fleet.groups.isEmpty || fleet.changedSince != nil) {
            throw ValidationError("--apply PLANFILE applies exactly the saved plan: --domain, --group and --changed-since do not apply")
        }
    }

    func run() async throws {
        if plan { try await PlanRun(fleet: fleet, format: format, out: out, detailedExitcode: detailedExitcode).run() }
        else { try await ApplyRun(fleet: fleet, options: applyOptions, planFile: planFile).run() }
    }
}
