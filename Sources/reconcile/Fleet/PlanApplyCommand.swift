import ArgumentParser

/// `reconcile --plan …` and `reconcile --apply [PLANFILE] …`.
struct PlanApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Plan or apply the inventory against the providers (reconcile --plan | --apply [PLANFILE]).",
        discussion: "Examples:\n  reconcile --plan --out plans/next.json\n  reconcile --apply plans/next.json")

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
        if plan, let flag = applyOptions.given.first {
            throw ValidationError("\(flag) only applies to --apply; --plan never changes anything")
        }
        if planFile != nil && (!fleet.domains.isEmpty || !fleet.groups.isEmpty || fleet.changedSince != nil) {
            throw ValidationError("--apply PLANFILE applies exactly the saved plan: --domain, --group and --changed-since do not apply")
        }
    }

    func run() async throws {
        if plan { try await PlanCommand(fleet: fleet, format: format, out: out, detailedExitcode: detailedExitcode).run() }
        else { try await ApplyCommand(fleet: fleet, options: applyOptions, planFile: planFile).run() }
    }
}
